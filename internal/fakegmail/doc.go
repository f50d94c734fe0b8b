// Package fakegmail is an in-process fake of the Gmail API (v1) on
// net/http/httptest, for testing the gmail provider with the real
// google.golang.org/api/gmail/v1 client.
//
// It follows the published REST API: the paths under /gmail/v1/users/{userId}
// and the media upload path /upload/gmail/v1/users/{userId}/messages/send
// (uploadType=multipart), the JSON shapes of Message, ListMessagesResponse,
// ListHistoryResponse, Profile, SendAs, Label and WatchResponse, Bearer
// token checks, Google's error body
// ({"error":{"code","message","status","errors":[{"reason",...}]}}),
// increasing historyIds, threads grouped the way Gmail groups them,
// nextPageToken paging, an expired-history 404, and the per-method quota
// units of https://developers.google.com/gmail/api/reference/quota.
//
// It rejects what Gmail rejects — raw that is not base64url, a message with
// no recipient, an unknown threadId or message id, an unknown label, a
// startHistoryId older than the retained history — so tests against it
// prove something. Quota errors (403 rateLimitExceeded and
// userRateLimitExceeded, 429 with Retry-After), permission errors and 5xx
// are injected on demand with Fail.
//
// A Server is safe for concurrent use.
package fakegmail
