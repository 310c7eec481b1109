import type { Project } from '../../build/index.ts';
import type { Course } from '../../course/types.ts';
import type { SignInDeps } from './sign-in.ts';

/** What the console's routes need, apart from app.ts so that the pages it mounts do not import it back. */
export interface ConsoleDeps extends SignInDeps {
  /** The courses as built now: the readers page filters by course and step. */
  courses?: () => Pick<Course, 'id' | 'title' | 'steps'>[];
  /** The project as built now (config, templates): the broadcast editor renders with it. */
  project?: () => Project | undefined;
  /** The preview's app (`createPreviewApp`), served under /admin behind sign-in. */
  preview: { fetch: (req: Request, env?: unknown) => Response | Promise<Response> };
}

export interface Admin {
  email: string;
  sessionHash: string;
  csrf: string;
}

export type ConsoleEnv = { Variables: { admin: Admin; body: Buffer | undefined } };
