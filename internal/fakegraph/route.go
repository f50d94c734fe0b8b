package fakegraph

import (
	"net/http"
	"net/url"
	"strings"
)

// call is a request resolved to a route and its path parameters.
type call struct {
	route  string
	me     bool   // the path starts with /me
	user   string // the {id | userPrincipalName} of /users/{…}
	folder string // the {folder} segment, as given
	msgID  string
	subID  string
}

// mailRoute reports whether the route reads or writes a mailbox.
func (c call) mailRoute() bool {
	switch c.route {
	case "me", "user", "createSubscription", "getSubscription", "listSubscriptions",
		"renewSubscription", "deleteSubscription", "reauthorizeSubscription":
		return false
	}
	return true
}

// splitPath splits an escaped URL path below /v1.0 into segments,
// unescaping each and expanding OData key syntax: "mailFolders('inbox')"
// becomes "mailFolders", "inbox"; "delta()" becomes "delta"; a
// "microsoft.graph." namespace prefix is dropped.
func splitPath(escaped string) ([]string, bool) {
	rest, ok := strings.CutPrefix(escaped, "/v1.0/")
	if !ok {
		return nil, false
	}
	var out []string
	for _, raw := range strings.Split(strings.TrimSuffix(rest, "/"), "/") {
		seg, err := url.PathUnescape(raw)
		if err != nil || seg == "" {
			return nil, false
		}
		if i := strings.IndexByte(seg, '('); i > 0 && strings.HasSuffix(seg, ")") {
			name, key := seg[:i], seg[i+1:len(seg)-1]
			out = append(out, strings.TrimPrefix(name, "microsoft.graph."))
			if key != "" {
				if len(key) >= 2 && key[0] == '\'' && key[len(key)-1] == '\'' {
					key = strings.ReplaceAll(key[1:len(key)-1], "''", "'")
				}
				out = append(out, key)
			}
			continue
		}
		out = append(out, strings.TrimPrefix(seg, "microsoft.graph."))
	}
	return out, true
}

// resolve maps a method and path to a route. The error is Graph's answer
// for a path it does not know.
func resolve(method string, segs []string) (call, *apiError) {
	var c call
	if len(segs) == 0 {
		return c, newError(400, "BadRequest", "Invalid request.")
	}
	is := func(i int, name string) bool { return i < len(segs) && strings.EqualFold(segs[i], name) }
	var rest []string
	switch {
	case is(0, "me"):
		c.me, rest = true, segs[1:]
	case is(0, "users") && len(segs) >= 2:
		c.user, rest = segs[1], segs[2:]
	case is(0, "subscriptions"):
		return resolveSubscriptions(method, segs[1:])
	default:
		return c, notFoundSegment(segs[0])
	}
	seg := func(i int) string { return strings.ToLower(rest[i]) }
	n := len(rest)
	switch {
	case n == 0:
		c.route = map[bool]string{true: "me", false: "user"}[c.me]
		return c, allow(method, "GET")
	case n == 1 && seg(0) == "sendmail":
		c.route = "sendMail"
		return c, allow(method, "POST")
	case seg(0) == "messages":
		return resolveMessages(method, c, rest[1:])
	case seg(0) == "mailfolders" && n == 2:
		c.folder, c.route = rest[1], "getMailFolder"
		return c, allow(method, "GET")
	case seg(0) == "mailfolders" && n >= 3 && seg(2) == "messages":
		c.folder = rest[1]
		if n == 4 && seg(3) == "delta" {
			c.route = "delta"
			return c, allow(method, "GET")
		}
		if n == 5 && seg(4) == "$value" {
			// Graph answers the folder-scoped $value with 405; use
			// /messages/{id}/$value.
			c.route = "getMessageValue"
			return c, newError(405, "ErrorInvalidRequest", msgUnsupportedOData)
		}
		if n == 3 || n == 4 {
			return resolveMessages(method, c, rest[3:])
		}
	}
	return c, notFoundSegment(rest[len(rest)-1])
}

func resolveMessages(method string, c call, rest []string) (call, *apiError) {
	switch len(rest) {
	case 0:
		switch method {
		case "GET":
			c.route = "listMessages"
		case "POST":
			c.route = "createMessage"
		default:
			c.route = "listMessages"
			return c, newError(405, "ErrorInvalidRequest", msgUnsupportedOData)
		}
		return c, nil
	case 1:
		c.msgID = rest[0]
		switch method {
		case "GET":
			c.route = "getMessage"
		case "PATCH":
			c.route = "updateMessage"
		case "DELETE":
			c.route = "deleteMessage"
		default:
			c.route = "getMessage"
			return c, newError(405, "ErrorInvalidRequest", msgUnsupportedOData)
		}
		return c, nil
	case 2:
		c.msgID = rest[0]
		if c.folder == "" && strings.EqualFold(rest[1], "$value") {
			c.route = "getMessageValue"
			return c, allow(method, "GET")
		}
		if c.folder == "" && strings.EqualFold(rest[1], "send") {
			c.route = "sendDraft"
			return c, allow(method, "POST")
		}
	}
	return c, notFoundSegment(rest[len(rest)-1])
}

func resolveSubscriptions(method string, rest []string) (call, *apiError) {
	var c call
	switch {
	case len(rest) == 0 && method == "POST":
		c.route = "createSubscription"
	case len(rest) == 0:
		c.route = "listSubscriptions"
		return c, allow(method, "GET")
	case len(rest) == 1:
		c.subID = rest[0]
		switch method {
		case "GET":
			c.route = "getSubscription"
		case "PATCH":
			c.route = "renewSubscription"
		case "DELETE":
			c.route = "deleteSubscription"
		default:
			c.route = "getSubscription"
			return c, newError(405, "ErrorInvalidRequest", msgUnsupportedOData)
		}
	case len(rest) == 2 && strings.EqualFold(rest[1], "reauthorize"):
		c.subID, c.route = rest[0], "reauthorizeSubscription"
		return c, allow(method, "POST")
	default:
		return c, notFoundSegment(rest[len(rest)-1])
	}
	return c, nil
}

func allow(method, want string) *apiError {
	if method != want {
		return newError(http.StatusMethodNotAllowed, "ErrorInvalidRequest", msgUnsupportedOData)
	}
	return nil
}

func notFoundSegment(seg string) *apiError {
	return newError(400, "BadRequest", "Resource not found for the segment '"+seg+"'.")
}
