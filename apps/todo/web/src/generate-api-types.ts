// `npm run -w apps/todo/web generate:api`: rewrites ui/api/schema.generated.ts
// from a freshly started Todo API. Re-run it whenever the API's contract changes.
import { writeFileSync } from 'node:fs';
import { API_TYPES_FILE, apiTypesSource, fetchLiveOpenApiDocument } from './api-types.ts';

writeFileSync(API_TYPES_FILE, await apiTypesSource(await fetchLiveOpenApiDocument()));
console.log(`wrote ${API_TYPES_FILE}`);
