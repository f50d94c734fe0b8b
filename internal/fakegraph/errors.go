package fakegraph

import (
	"encoding/json"
	"net/http"
	"time"
)

// Fault is an error the fake answers on demand instead of (or after)
// serving a request; see Server.Fail.
type Fault struct {
	// Status is the HTTP status: 400, 401, 403, 404, 429, 500, 503, 504 …
	// Zero means 500.
	Status int
	// Code and Message fill Graph's error body; empty picks the usual
	// code and message for Status (see DefaultCode).
	Code, Message string
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// AfterApply makes the fake carry the request out before answering
	// with the fault: a send that was delivered although the client saw
	// a failure (a lost response).
	AfterApply bool
}

// Throttled is the 429 Outlook answers when an app is over a mailbox
// limit, asking to wait retryAfter seconds ("" for no Retry-After).
func Throttled(retryAfter string) Fault {
	return Fault{Status: http.StatusTooManyRequests, Code: "ApplicationThrottled",
		Message: "Application is over its resource limit.", RetryAfter: retryAfter}
}

// ServerBusy is Outlook's transient 503.
func ServerBusy() Fault {
	return Fault{Status: http.StatusServiceUnavailable, Code: "ErrorServerBusy",
		Message: "The server cannot service this request right now. Try again later."}
}

// GatewayTimeout is the 504 Graph answers when the mailbox did not answer
// in time; with AfterApply the request was nevertheless carried out, as
// happens with sendMail.
func GatewayTimeout(afterApply bool) Fault {
	return Fault{Status: http.StatusGatewayTimeout, Code: "UnknownError", AfterApply: afterApply}
}

// DefaultCode returns the error code the fake uses for a status when a
// Fault names none.
func DefaultCode(status int) string {
	switch status {
	case 400:
		return "BadRequest"
	case 401:
		return "InvalidAuthenticationToken"
	case 403:
		return "ErrorAccessDenied"
	case 404:
		return "ErrorItemNotFound"
	case 405:
		return "ErrorInvalidRequest"
	case 410:
		return "SyncStateNotFound"
	case 429:
		return "ApplicationThrottled"
	case 503:
		return "ErrorServerBusy"
	default:
		return "UnknownError"
	}
}

func defaultMessage(code string) string {
	switch code {
	case "ErrorAccessDenied":
		return msgAccessDenied
	case "ErrorItemNotFound":
		return msgItemNotFound
	case "ApplicationThrottled":
		return "Application is over its resource limit."
	case "ErrorServerBusy":
		return "The server cannot service this request right now. Try again later."
	case "InvalidAuthenticationToken":
		return "Access token validation failure."
	}
	return ""
}

// Messages Graph uses verbatim.
const (
	msgAccessDenied     = "Access is denied. Check credentials and try again."
	msgItemNotFound     = "The specified object was not found in the store."
	msgIDMalformed      = "Id is malformed."
	msgNoRecipients     = "At least one recipient isn't valid., A message can't be sent because it contains no recipients."
	msgSendAsDenied     = "The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message."
	msgMailboxConcur    = "Application is over its MailboxConcurrency limit."
	msgBadBase64        = "Invalid base64 string for MIME content."
	msgInvalidJSON      = "Invalid JSON. A token was not recognized in the JSON content."
	msgEmptyPayload     = "Empty Payload. JSON content expected."
	msgUnsupportedOData = "The OData request is not supported."
	msgBadFilter        = "The query filter contains one or more invalid nodes."
	msgSubmissionQuota  = "The message couldn't be sent because the sender's submission quota was exceeded. Please try again later."
	msgPrivileges       = "Insufficient privileges to complete the operation."
)

// apiError is an error answer on its way to the client.
type apiError struct {
	status        int
	code, message string
	retryAfter    string
	header        http.Header // extra headers (WWW-Authenticate)
}

func newError(status int, code, message string) *apiError {
	return &apiError{status: status, code: code, message: message}
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func faultError(f Fault) *apiError {
	st := f.Status
	if st == 0 {
		st = http.StatusInternalServerError
	}
	code := f.Code
	if code == "" {
		code = DefaultCode(st)
	}
	msg := f.Message
	if msg == "" {
		msg = defaultMessage(code)
	}
	return &apiError{status: st, code: code, message: msg, retryAfter: f.RetryAfter}
}

type innerError struct {
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

type errorBody struct {
	Error struct {
		Code       string     `json:"code"`
		Message    string     `json:"message"`
		InnerError innerError `json:"innerError"`
	} `json:"error"`
}

// writeError writes Graph's error body
// ({"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}).
func writeError(w http.ResponseWriter, e *apiError, now time.Time) {
	for k, vs := range e.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if e.retryAfter != "" {
		w.Header().Set("Retry-After", e.retryAfter)
	}
	var b errorBody
	b.Error.Code = e.code
	b.Error.Message = e.message
	b.Error.InnerError = innerError{
		Date:            now.UTC().Format("2006-01-02T15:04:05"),
		RequestID:       w.Header().Get("request-id"),
		ClientRequestID: w.Header().Get("client-request-id"),
	}
	writeJSONStatus(w, e.status, b)
}

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // Graph writes "<id@host>", not "\u003cid@host\u003e"
	_ = enc.Encode(v)
}
