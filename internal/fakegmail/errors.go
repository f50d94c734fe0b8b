package fakegmail

import (
	"encoding/json"
	"net/http"
)

// Fault is an error the fake returns on demand instead of serving a call.
type Fault struct {
	// Status is the HTTP status: 401, 403, 404, 429, 500, 503 …
	Status int
	// Reason is the errors[0].reason of Google's error body, such as
	// "rateLimitExceeded", "userRateLimitExceeded",
	// "insufficientPermissions", "backendError". Empty picks the usual
	// one for Status.
	Reason string
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// Served makes the fake carry the call out before answering with the
	// error: a send that was delivered although the client saw a failure.
	Served bool
}

// RateLimit is Gmail's per-project 403.
func RateLimit() Fault { return Fault{Status: http.StatusForbidden, Reason: "rateLimitExceeded"} }

// UserRateLimit is Gmail's per-user 403.
func UserRateLimit() Fault {
	return Fault{Status: http.StatusForbidden, Reason: "userRateLimitExceeded"}
}

// TooManyRequests is a 429 asking to wait two seconds.
func TooManyRequests() Fault {
	return Fault{Status: http.StatusTooManyRequests, Reason: "rateLimitExceeded", RetryAfter: "2"}
}

// InsufficientPermissions is the 403 for a missing scope.
func InsufficientPermissions() Fault {
	return Fault{Status: http.StatusForbidden, Reason: "insufficientPermissions"}
}

// BackendError is Gmail's transient 500.
func BackendError() Fault {
	return Fault{Status: http.StatusInternalServerError, Reason: "backendError"}
}

// Unavailable is a 503.
func Unavailable() Fault { return Fault{Status: http.StatusServiceUnavailable, Reason: "backendError"} }

func statusText(code int) string {
	switch code {
	case 400:
		return "INVALID_ARGUMENT"
	case 401:
		return "UNAUTHENTICATED"
	case 403:
		return "PERMISSION_DENIED"
	case 404:
		return "NOT_FOUND"
	case 429:
		return "RESOURCE_EXHAUSTED"
	case 503:
		return "UNAVAILABLE"
	default:
		return "INTERNAL"
	}
}

func defaultReason(code int) string {
	switch code {
	case 400:
		return "invalidArgument"
	case 401:
		return "authError"
	case 403:
		return "forbidden"
	case 404:
		return "notFound"
	case 429:
		return "rateLimitExceeded"
	default:
		return "backendError"
	}
}

type errorItem struct {
	Message  string `json:"message"`
	Domain   string `json:"domain"`
	Reason   string `json:"reason"`
	Location string `json:"location,omitempty"`
}

type errorBody struct {
	Error struct {
		Code    int         `json:"code"`
		Message string      `json:"message"`
		Errors  []errorItem `json:"errors"`
		Status  string      `json:"status"`
	} `json:"error"`
}

// writeError writes Google's JSON error body.
func writeError(w http.ResponseWriter, code int, reason, message, retryAfter string) {
	if reason == "" {
		reason = defaultReason(code)
	}
	var b errorBody
	b.Error.Code = code
	b.Error.Message = message
	b.Error.Status = statusText(code)
	domain := "global"
	if reason == "rateLimitExceeded" || reason == "userRateLimitExceeded" {
		domain = "usageLimits"
	}
	item := errorItem{Message: message, Domain: domain, Reason: reason}
	if code == http.StatusUnauthorized {
		item.Location = "Authorization"
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
	}
	b.Error.Errors = []errorItem{item}
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	writeJSONStatus(w, code, b)
}

func writeJSON(w http.ResponseWriter, v any) { writeJSONStatus(w, http.StatusOK, v) }

func writeJSONStatus(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func faultMessage(f Fault) string {
	switch f.Reason {
	case "rateLimitExceeded":
		return "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute'."
	case "userRateLimitExceeded":
		return "User-rate limit exceeded."
	case "insufficientPermissions":
		return "Request had insufficient authentication scopes."
	}
	return http.StatusText(f.Status)
}
