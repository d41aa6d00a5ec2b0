// Names for the shapes the UI works with, all taken from the generated API
// types: when the API changes, regenerating the types changes these too.
import type { operations } from './schema.generated.ts';

type Json<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;

export type Task = Json<operations['getTask']['responses'][200]>;
export type TaskInput = NonNullable<operations['createTask']['requestBody']>['content']['application/json'];
export type TaskPatch = NonNullable<operations['updateTask']['requestBody']>['content']['application/json'];
export type TaskQuery = NonNullable<operations['listTasks']['parameters']['query']>;
export type Priority = Task['priority'];
export type SortOrder = NonNullable<TaskQuery['sort']>;
export type StatusFilter = NonNullable<TaskQuery['status']>;
export type Account = Json<operations['me']['responses'][200]>;
export type IssuedToken = Json<operations['login']['responses'][200]>;
export type Credentials = NonNullable<operations['login']['requestBody']>['content']['application/json'];

export const PRIORITIES: readonly Priority[] = ['high', 'medium', 'low'];
