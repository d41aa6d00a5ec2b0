CREATE TABLE names (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (char_length(name) > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
