/** Flags shared by many commands. */
export const rootArg = {
  root: { type: 'string', description: 'project root (holds coursemail.config.json, series/, emails/)', default: '.' },
} as const;
