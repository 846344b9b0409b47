import { Cam } from './cam/cam.entity.ts';
import { Project } from './project/project.entity.ts';
import { User } from './user/user.entity.ts';

/** Every entity of the package. A host application adds these to its own MikroORM `entities` to embed us. */
export const entities = [User, Project, Cam] as const;
