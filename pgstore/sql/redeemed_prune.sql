-- Invitations past their expiry are refused before the store is asked, so
-- their IDs need not be kept. A few at a time, so no call does much.
DELETE FROM {schema}.redeemed_invitation
WHERE id IN (SELECT id FROM {schema}.redeemed_invitation
             WHERE expires_at < coalesce($1::timestamptz, now()) ORDER BY expires_at LIMIT 100)
