// Generated from the Todo API's /api/openapi.json by
//   npm run -w apps/todo/web generate:api
// Do not edit: re-run that command when the API changes (a test fails until you do).

export interface paths {
    "/api/{user_id}/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your tasks (a JSON array), filtered, sorted, paginated */
        get: operations["listTasksForUser"];
        put?: never;
        /** Add a task */
        post: operations["createTaskForUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/{user_id}/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One task */
        get: operations["getTaskForUser"];
        /** Replace a task (fields left out take their defaults) */
        put: operations["replaceTaskForUser"];
        post?: never;
        /** Delete a task */
        delete: operations["deleteTaskForUser"];
        options?: never;
        head?: never;
        /** Change some fields of a task */
        patch: operations["updateTaskForUser"];
        trace?: never;
    };
    "/api/{user_id}/tasks/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Complete a task: {"completed": true|false} sets the state; no body toggles it */
        patch: operations["toggleTaskForUser"];
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in: exchange email and password for a bearer token */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out: revoke this token on every replica */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in account */
        get: operations["me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask the assistant (it manages your tasks through the MCP tools) */
        post: operations["chat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/chat/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask the assistant, answered as Server-Sent Events
         * @description Events: "conversation" {conversation_id}, then "tool_call" {name, arguments, result, is_error} and "delta" {text} as they happen, then "done" with the answer of POST /api/chat, or "error" {error}.
         */
        post: operations["chatStream"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your conversations with the assistant, most recent first (at most 100) */
        get: operations["listConversations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/conversations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a conversation and its messages */
        delete: operations["deleteConversation"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/conversations/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The messages of a conversation, oldest first (the last 500) */
        get: operations["listConversationMessages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Service health: the database, Redis, and where shared state lives */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List your tasks (a JSON array), filtered, sorted, paginated */
        get: operations["listTasks"];
        put?: never;
        /** Add a task */
        post: operations["createTask"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One task */
        get: operations["getTask"];
        /** Replace a task (fields left out take their defaults) */
        put: operations["replaceTask"];
        post?: never;
        /** Delete a task */
        delete: operations["deleteTask"];
        options?: never;
        head?: never;
        /** Change some fields of a task */
        patch: operations["updateTask"];
        trace?: never;
    };
    "/api/tasks/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Complete a task: {"completed": true|false} sets the state; no body toggles it */
        patch: operations["toggleTask"];
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Every error response. */
        Error: {
            /** @description What went wrong, in words a person can act on. */
            error: string;
        } & {
            [key: string]: unknown;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listTasksForUser: {
        parameters: {
            query?: {
                /** @description From the Link header of the previous page. */
                cursor?: string;
                /** @description Only tasks due after this instant (a date alone: after that day began, UTC). */
                due_after?: string;
                /** @description Only tasks due before this instant (a date alone: before that day begins, UTC). */
                due_before?: string;
                /** @description Page size, 1–500 (default 100); the Link header has the next page. */
                limit?: number;
                priority?: "low" | "medium" | "high";
                /** @description Text in the title or description (case-insensitive). */
                q?: string;
                /** @description Order; a leading "-" reverses it. Tasks without a due date sort last by due_at. */
                sort?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "due_at" | "-due_at" | "priority" | "-priority" | "title" | "-title";
                /** @description Which tasks: all, pending (not completed) or completed. */
                status?: "all" | "pending" | "completed";
                /** @description A label; 1–50 characters. */
                tag?: string;
            };
            header?: never;
            path: {
                /** @description The signed-in user's id (from GET /api/auth/me); any other id is 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of tasks. */
            200: {
                headers: {
                    /** @description rel="next": the URL of the next page, when there is one. */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        completed: boolean;
                        /** Format: date-time */
                        created_at: string;
                        description: string;
                        due_at: string | null;
                        id: number;
                        /** @enum {string} */
                        priority: "low" | "medium" | "high";
                        tags: string[];
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                        /** Format: uuid */
                        user_id: string;
                    }[];
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The path names another user. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createTaskForUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The signed-in user's id (from GET /api/auth/me); any other id is 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default false */
                    completed?: boolean;
                    description?: string | null;
                    due_at?: (string) | null;
                    /**
                     * @default medium
                     * @enum {string}
                     */
                    priority?: "low" | "medium" | "high";
                    tags?: string[];
                    /** @description Trimmed; 1–200 characters. */
                    title: string;
                };
            };
        };
        responses: {
            /** @description The new task. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        completed: boolean;
                        /** Format: date-time */
                        created_at: string;
                        description: string;
                        due_at: string | null;
                        id: number;
                        /** @enum {string} */
                        priority: "low" | "medium" | "high";
                        tags: string[];
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                        /** Format: uuid */
                        user_id: string;
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The path names another user. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getTaskForUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Task id (a positive whole number). */
                id: string;
                /** @description The signed-in user's id (from GET /api/auth/me); any other id is 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The task. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        completed: boolean;
                        /** Format: date-time */
                        created_at: string;
                        description: string;
                        due_at: string | null;
                        id: number;
                        /** @enum {string} */
                        priority: "low" | "medium" | "high";
                        tags: string[];
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                        /** Format: uuid */
                        user_id: string;
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The path names another user. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    replaceTaskForUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Task id (a positive whole number). */
                id: string;
                /** @description The signed-in user's id (from GET /api/auth/me); any other id is 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default false */
                    completed?: boolean;
                    description?: string | null;
                    due_at?: (string) | null;
                    /**
                     * @default medium
                     * @enum {string}
                     */
                    priority?: "low" | "medium" | "high";
                    tags?: string[];
                    /** @description Trimmed; 1–200 characters. */
                    title: string;
                };
            };
        };
        responses: {
            /** @description The task as stored. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        completed: boolean;
                        /** Format: date-time */
                        created_at: string;
                        description: string;
                        due_at: string | null;
                        id: number;
                        /** @enum {string} */
                        priority: "low" | "medium" | "high";
                        tags: string[];
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                        /** Format: uuid */
                        user_id: string;
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The path names another user. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteTaskForUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Task id (a positive whole number). */
                id: string;
                /** @description The signed-in user's id (from GET /api/auth/me); any other id is 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The path names another user. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateTaskForUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Task id (a positive whole number). */
                id: string;
                /** @description The signed-in user's id (from GET /api/auth/me); any other id is 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    completed?: boolean;
                    description?: string | null;
                    due_at?: (string) | null;
                    /** @enum {string} */
                    priority?: "low" | "medium" | "high";
                    tags?: string[];
                    /** @description Trimmed; 1–200 characters. */
                    title?: string;
                };
            };
        };
        responses: {
            /** @description The task as stored. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        completed: boolean;
                        /** Format: date-time */
                        created_at: string;
                        description: string;
                        due_at: string | null;
                        id: number;
                        /** @enum {string} */
                        priority: "low" | "medium" | "high";
                        tags: string[];
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                        /** Format: uuid */
                        user_id: string;
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The path names another user. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    toggleTaskForUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Task id (a positive whole number). */
                id: string;
                /** @description The signed-in user's id (from GET /api/auth/me); any other id is 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    completed: boolean;
                } | null;
            };
        };
        responses: {
            /** @description The task as stored. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        completed: boolean;
                        /** Format: date-time */
                        created_at: string;
                        description: string;
                        due_at: string | null;
                        id: number;
                        /** @enum {string} */
                        priority: "low" | "medium" | "high";
                        tags: string[];
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                        /** Format: uuid */
                        user_id: string;
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The path names another user. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: email
                     * @description Compared case-insensitively; stored in lower case.
                     */
                    email: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description A bearer token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        expires_at: string;
                        /** @description Send as "Authorization: Bearer <token>". */
                        token: string;
                        /** @enum {string} */
                        token_type: "bearer";
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts; retry after the number of seconds in Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token is revoked. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The account of the token. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        created_at: string;
                        email: string;
                        /** Format: uuid */
                        id: string;
                    };
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: email
                     * @description Compared case-insensitively; stored in lower case.
                     */
                    email: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description The new account, signed in: its first bearer token comes with it. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        created_at: string;
                        email: string;
                        /** Format: date-time */
                        expires_at: string;
                        /** Format: uuid */
                        id: string;
                        /** @description Send as "Authorization: Bearer <token>". */
                        token: string;
                        /** @enum {string} */
                        token_type: "bearer";
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Conflicts with existing data. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts; retry after the number of seconds in Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    chat: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description Continue this conversation; leave out to start a new one.
                     */
                    conversation_id?: string;
                    /** @description What you ask, 1–2000 characters. */
                    message: string;
                    /** @description Your IANA time zone, for "today" and "tomorrow" (default UTC). */
                    time_zone?: string;
                };
            };
        };
        responses: {
            /** @description The answer. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        conversation_id: string;
                        /** @description The assistant's answer. */
                        response: string;
                        /** @description The MCP tools called for this answer, in order. */
                        tool_calls: {
                            arguments: {
                                [key: string]: unknown;
                            };
                            is_error: boolean;
                            name: string;
                            /** @description The tool's structured result, or its error message. */
                            result: unknown;
                        }[];
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    chatStream: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description Continue this conversation; leave out to start a new one.
                     */
                    conversation_id?: string;
                    /** @description What you ask, 1–2000 characters. */
                    message: string;
                    /** @description Your IANA time zone, for "today" and "tomorrow" (default UTC). */
                    time_zone?: string;
                };
            };
        };
        responses: {
            /** @description A stream of Server-Sent Events. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": {
                        /** @description The event as JSON (see the operation description). */
                        data: string;
                        /** @enum {string} */
                        event: "conversation" | "tool_call" | "delta" | "done" | "error";
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listConversations: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Conversations. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        created_at: string;
                        /** Format: uuid */
                        id: string;
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                    }[];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteConversation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listConversationMessages: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Messages. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        content: string;
                        /** Format: date-time */
                        created_at: string;
                        id: number;
                        /** @enum {string} */
                        role: "user" | "assistant";
                        tool_calls: {
                            arguments: {
                                [key: string]: unknown;
                            };
                            is_error: boolean;
                            name: string;
                            /** @description The tool's structured result, or its error message. */
                            result: unknown;
                        }[];
                    }[];
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready to serve. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description "ok", or why not. */
                        database: string;
                        /** @description "ok", "not configured", or why not. */
                        redis: string;
                        /** @description Where rate limits and token revocations live. */
                        shared_state: string;
                        /** @enum {string} */
                        status: "ok" | "unavailable";
                    };
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listTasks: {
        parameters: {
            query?: {
                /** @description From the Link header of the previous page. */
                cursor?: string;
                /** @description Only tasks due after this instant (a date alone: after that day began, UTC). */
                due_after?: string;
                /** @description Only tasks due before this instant (a date alone: before that day begins, UTC). */
                due_before?: string;
                /** @description Page size, 1–500 (default 100); the Link header has the next page. */
                limit?: number;
                priority?: "low" | "medium" | "high";
                /** @description Text in the title or description (case-insensitive). */
                q?: string;
                /** @description Order; a leading "-" reverses it. Tasks without a due date sort last by due_at. */
                sort?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "due_at" | "-due_at" | "priority" | "-priority" | "title" | "-title";
                /** @description Which tasks: all, pending (not completed) or completed. */
                status?: "all" | "pending" | "completed";
                /** @description A label; 1–50 characters. */
                tag?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of tasks. */
            200: {
                headers: {
                    /** @description rel="next": the URL of the next page, when there is one. */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        completed: boolean;
                        /** Format: date-time */
                        created_at: string;
                        description: string;
                        due_at: string | null;
                        id: number;
                        /** @enum {string} */
                        priority: "low" | "medium" | "high";
                        tags: string[];
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                        /** Format: uuid */
                        user_id: string;
                    }[];
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createTask: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default false */
                    completed?: boolean;
                    description?: string | null;
                    due_at?: (string) | null;
                    /**
                     * @default medium
                     * @enum {string}
                     */
                    priority?: "low" | "medium" | "high";
                    tags?: string[];
                    /** @description Trimmed; 1–200 characters. */
                    title: string;
                };
            };
        };
        responses: {
            /** @description The new task. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        completed: boolean;
                        /** Format: date-time */
                        created_at: string;
                        description: string;
                        due_at: string | null;
                        id: number;
                        /** @enum {string} */
                        priority: "low" | "medium" | "high";
                        tags: string[];
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                        /** Format: uuid */
                        user_id: string;
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getTask: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Task id (a positive whole number). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The task. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        completed: boolean;
                        /** Format: date-time */
                        created_at: string;
                        description: string;
                        due_at: string | null;
                        id: number;
                        /** @enum {string} */
                        priority: "low" | "medium" | "high";
                        tags: string[];
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                        /** Format: uuid */
                        user_id: string;
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    replaceTask: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Task id (a positive whole number). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default false */
                    completed?: boolean;
                    description?: string | null;
                    due_at?: (string) | null;
                    /**
                     * @default medium
                     * @enum {string}
                     */
                    priority?: "low" | "medium" | "high";
                    tags?: string[];
                    /** @description Trimmed; 1–200 characters. */
                    title: string;
                };
            };
        };
        responses: {
            /** @description The task as stored. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        completed: boolean;
                        /** Format: date-time */
                        created_at: string;
                        description: string;
                        due_at: string | null;
                        id: number;
                        /** @enum {string} */
                        priority: "low" | "medium" | "high";
                        tags: string[];
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                        /** Format: uuid */
                        user_id: string;
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteTask: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Task id (a positive whole number). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateTask: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Task id (a positive whole number). */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    completed?: boolean;
                    description?: string | null;
                    due_at?: (string) | null;
                    /** @enum {string} */
                    priority?: "low" | "medium" | "high";
                    tags?: string[];
                    /** @description Trimmed; 1–200 characters. */
                    title?: string;
                };
            };
        };
        responses: {
            /** @description The task as stored. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        completed: boolean;
                        /** Format: date-time */
                        created_at: string;
                        description: string;
                        due_at: string | null;
                        id: number;
                        /** @enum {string} */
                        priority: "low" | "medium" | "high";
                        tags: string[];
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                        /** Format: uuid */
                        user_id: string;
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    toggleTask: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Task id (a positive whole number). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    completed: boolean;
                } | null;
            };
        };
        responses: {
            /** @description The task as stored. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        completed: boolean;
                        /** Format: date-time */
                        created_at: string;
                        description: string;
                        due_at: string | null;
                        id: number;
                        /** @enum {string} */
                        priority: "low" | "medium" | "high";
                        tags: string[];
                        title: string;
                        /** Format: date-time */
                        updated_at: string;
                        /** Format: uuid */
                        user_id: string;
                    };
                };
            };
            /** @description The request is malformed or a field is invalid; the message names the field. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No token, or the token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource for this user. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The request body is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A dependency (database or Redis) is unavailable; retry shortly. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
