// The committed client types are exactly what the generator makes from the
// live API's /api/openapi.json. When the API changes, this fails until
// `npm run -w apps/todo/web generate:api` is run and its output committed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { API_TYPES_FILE, apiTypesSource, fetchLiveOpenApiDocument } from '../src/api-types.ts';

test('ui/api/schema.generated.ts matches the live API’s OpenAPI document', async () => {
  const document = await fetchLiveOpenApiDocument();
  const generated = await apiTypesSource(document);
  const committed = readFileSync(API_TYPES_FILE, 'utf8');
  assert.ok(
    generated === committed,
    'The API’s contract changed: run `npm run -w apps/todo/web generate:api` and commit ui/api/schema.generated.ts',
  );

  // The comparison can fail: one more query parameter in the document changes the generated text.
  const paths = document.paths as Record<string, { get?: { parameters?: unknown[] } }>;
  paths['/api/tasks']?.get?.parameters?.push({ name: 'colour', in: 'query', schema: { type: 'string' } });
  assert.notEqual(await apiTypesSource(document), committed);
});
