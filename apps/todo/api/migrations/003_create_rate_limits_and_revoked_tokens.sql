-- Without Redis, login limits and token revocations live here, so they hold
-- across restarts and are shared by every replica on this database.
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  count integer NOT NULL,
  reset_at timestamptz NOT NULL
);

CREATE TABLE revoked_tokens (
  token_id text PRIMARY KEY,
  -- Kept until the token would have expired anyway; later rows are swept.
  expires_at timestamptz NOT NULL
);
