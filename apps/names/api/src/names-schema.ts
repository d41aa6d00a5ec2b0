import { objectBody, text, z } from '@berth/service-kit';

/**
 * A name, declared once: the row the repository returns, the body POST
 * accepts and the JSON the API sends are all derived from here.
 */
export const nameRow = z.object({
  id: z.int().min(1),
  name: z.string(),
  created_at: z.date().meta({ description: 'When the name was added (RFC 3339).' }),
});
export type NameRow = z.output<typeof nameRow>;

/** POST /api/names: a name of 1–maxLength characters after trimming (MAX_NAME_LENGTH). */
export function newName(maxLength: number) {
  return z.object(
    {
      name: text({
        min: 1,
        max: maxLength,
        trim: true,
        multiline: false,
        description: `Trimmed; 1–${maxLength} characters.`,
      }),
    },
    objectBody('{"name": "Ada"}'),
  );
}
