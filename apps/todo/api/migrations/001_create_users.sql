CREATE TABLE users (
  id uuid PRIMARY KEY,
  -- Stored normalised (trimmed, lower case), so uniqueness is case-insensitive.
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  password_hash text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
