-- User-vs-organisation resolution: every account name of the snapshot with its type. A name is a user when its
-- user overview exists, else an organisation (the crawler tries `/api/users` first, as the Hub resolves names).
select snapshot_date, name, account_type
from {{ ref('stg_principals') }}
