// Package fakegraph is an in-process fake of the Microsoft Graph v1.0
// mail API on net/http/httptest (TLS), for testing the graph provider
// with the real msgraph-sdk-go client pointed at URL(). It imports
// neither the SDK nor kiota.
//
// It serves, under /v1.0 and for both /me/… and
// /users/{id | userPrincipalName}/…:
//
//   - GET /me, GET /users/{id} with $select; a user whose mail is null
//     (ClearMail) so clients fall back to userPrincipalName.
//   - POST /me/sendMail as JSON {message, saveToSentItems} or, with
//     Content-Type text/plain, base64 MIME (202, empty body).
//   - POST /me/messages (a draft, JSON or MIME, 201), PATCH and DELETE
//     /me/messages/{id}, POST /me/messages/{id}/send (202).
//   - GET /me/messages/{id} and /me/mailFolders/{f}/messages/{id} with
//     $select; GET /me/messages/{id}/$value (the MIME, text/plain).
//   - GET /me/messages and /me/mailFolders/{f}/messages with $filter,
//     $select, $top, $skip, $orderby and @odata.nextLink paging.
//   - GET /me/mailFolders/{f}/messages/delta with $select, $top,
//     $filter=receivedDateTime ge|gt, changeType, $orderby and
//     Prefer: odata.maxpagesize (echoed in Preference-Applied).
//   - POST, GET, PATCH, DELETE /subscriptions[/{id}] and
//     POST /subscriptions/{id}/reauthorize.
//
// Paths may use OData key syntax (mailFolders('inbox')), functions with
// or without parentheses (delta, delta()) and the microsoft.graph.
// namespace prefix; segment and property names match case-insensitively,
// as on Graph, so the SDK's PascalCase action bodies work. Request bodies
// may be gzipped (Content-Encoding: gzip), as the SDK sends them.
//
// # What is faithful, and where it comes from
//
// learn.microsoft.com/graph/errors: every error is Graph's body
// {"error":{"code","message","innerError":{"date","request-id",
// "client-request-id"}}}, and every answer carries request-id and
// client-request-id (echoed) headers. A missing, unknown or revoked token
// is 401 InvalidAuthenticationToken with WWW-Authenticate; a missing
// delegated scope is 403 ErrorAccessDenied "Access is denied. Check
// credentials and try again." (403 Authorization_RequestDenied for
// /me and /users). A delegated token reaches only its own mailbox.
//
// user-sendmail, message-send, user-post-messages,
// outlook-send-mime-message: JSON or base64 MIME by Content-Type; bad
// base64 (URL-safe alphabet, missing padding) is 400
// ErrorMimeContentInvalidBase64String "Invalid base64 string for MIME
// content."; a message without recipients is 400 ErrorInvalidRecipients;
// unknown JSON properties and action parameters are 400 RequestBodyRead;
// a JSON internetMessageHeaders entry not starting with x- is 400
// InvalidInternetMessageHeader (so In-Reply-To and References can only
// be sent through MIME). A MIME Message-ID is kept as internetMessageId;
// JSON sends get an Exchange-style <…@….prod.outlook.com> id. Sent mail
// is saved to Sent Items unless saveToSentItems is false (also as the
// string "false", as the reference example sends it). Sending a draft
// moves it to Sent Items under a new id, so its draft id is then 404.
//
// outlook-immutable-id: an item's regular id changes when it changes
// folder (a sent draft, a delete); with Prefer: IdType="ImmutableId" (per
// request, echoed in Preference-Applied) ids are immutable ones that
// stay, in answers, delta pages and the notifications of a subscription
// created with the header; either form is accepted in paths. Message
// carries both (ID, ImmutableID). The guide warns that the Sent Items
// copy "is not created until the message successfully sends, which may
// take time": SetSentItemsDelay holds sent messages back from Sent Items
// for a number of requests (FileSentItems files them at once).
//
// outlook-send-mail-from-other-user: from other than the signed-in user
// needs Send on Behalf (GrantSendOnBehalf) and Mail.Send.Shared, else 403
// ErrorSendAsDenied; the sent message has from = the owner, sender = the
// signed-in user, and a Sender header.
//
// message-get and the permissions reference: internetMessageHeaders is
// returned only with $select, and (as reported on
// microsoftgraph/msgraph-sdk-dotnet#3025 and microsoft-graph-docs#18761)
// never for messages in Sent Items or Drafts. Mail.ReadBasic cannot read
// body, bodyPreview, uniqueBody or headers: they are left out by default
// and selecting them, or reading $value, is 403 ErrorAccessDenied. An id
// that is not of Exchange's shape is 400 ErrorInvalidIdMalformed "Id is
// malformed."; a well-formed unknown id is 404 ErrorItemNotFound. The
// folder-scoped $value path answers 405 "The OData request is not
// supported." (microsoft-graph-docs-contrib#776); use
// /messages/{id}/$value.
//
// message-delta, delta-query-messages: pages end in @odata.nextLink
// ($skiptoken) and finally @odata.deltaLink ($deltatoken); tokens are
// opaque and carry the round's options; the next round returns only
// messages created or updated since, and @removed {"reason":"deleted"}
// for messages that left the folder. A message moved into the folder
// (Move, as a user's "Move to" or "Not junk") is created there, with its
// old receivedDateTime and a new lastModifiedDateTime, unless the round's
// receivedDateTime filter, kept in its tokens, leaves it out. An expired
// token (ExpireDeltaTokens)
// is 410 Gone SyncStateNotFound "The sync state generation is not
// found; …", the code Outlook answers (microsoft-graph-docs#2350; the
// errors page spells it syncStateNotFound).
//
// change-notifications-delivery-webhooks and lifecycle events: before a
// subscription exists the fake POSTs
// {notificationUrl}?validationToken={token} (and to the
// lifecycleNotificationUrl) and wants 200, text/plain, the URL-decoded
// token, within ValidationTimeout (10 s): else 400 ValidationError
// "Subscription validation request failed. Notification endpoint must
// respond with 200 OK to validation request." / "… Response must exactly
// match validationToken query parameter.", or 400 InvalidRequest
// "Subscription validation request timed out.". The token reads like
// Graph's ("Validation: Testing client application reachability for
// subscription Request-Id: …") so clients must decode it. Notifications
// ({"value":[{subscriptionId, subscriptionExpirationDateTime,
// changeType, resource, resourceData, clientState, tenantId}]}) are
// POSTed with a 3 s timeout: synchronously by Deliver, in the
// background for sends and drafts (WaitNotifications waits for them).
// Lifecycle posts {subscriptionId, subscriptionExpirationDateTime,
// tenantId, clientState, lifecycleEvent}.
//
// subscription resource, "Subscription lifetime": an Outlook message
// subscription may live 10,080 minutes by the docs, but Graph refuses
// more than 10,070 with 400 ExtensionError "Subscription expiration can
// only be 10070 minutes in the future." (reported by several clients);
// the fake enforces 10,070. Under 45 minutes is raised to 45. clientState
// is at most 128 characters.
//
// throttling-limits, Outlook service limits: at most 4 concurrent
// requests per mailbox (SetConcurrencyLimit), more are 429
// ApplicationThrottled "Application is over its MailboxConcurrency
// limit." with Retry-After. Other throttling, 503 and 504 (with
// AfterApply, a lost response after the work was done) come from Fail.
//
// Exchange Online limits (sending limits): 30 messages a minute and
// 10,000 recipients a day per mailbox (SetSendLimits). Over the message
// rate Exchange throttles and carries the message over rather than
// refusing it: the fake answers 202 with a Retry-After header (as
// msgraph-sdk-java#1487 reports) and marks the Sent Deferred, so a client
// must not resend on it. Over the recipient rate the mailbox is blocked:
// 403 ErrorSubmissionQuotaExceeded (Exchange's code; Graph's status for
// it is not documented, so clients should match the code).
//
// # Limits of the fake
//
// Where Graph's exact wording is not documented the fake uses its own
// message with Graph's code family (subscription field errors,
// Content-Type errors, $top ranges). It serves basic notifications only
// (includeResourceData is refused), does not deliver mail between its
// mailboxes, has no attachments, $search or $expand, and
// returns a text body as "text" rather than converting it to HTML. For
// tests, notification URLs may be http:// on a loopback host and any
// certificate is trusted; Graph requires public https endpoints.
//
// A Server is safe for concurrent use.
package fakegraph
