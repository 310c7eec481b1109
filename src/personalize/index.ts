export { checkPlaceholders, type PlaceholderProblem } from './model.ts';
export { compileMessage, personalize, cleanField, type CompiledMessage, type Recipient, type PersonalizedMessage, type CompilableMessage } from './compile.ts';
