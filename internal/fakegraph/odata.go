package fakegraph

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// queryValue returns a query option, its name compared
// case-insensitively ("$select", "$Select").
func queryValue(q url.Values, name string) (string, bool) {
	for k, v := range q {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0], true
		}
	}
	return "", false
}

// messageDefault are the properties a message GET returns without
// $select; messageSelectOnly are returned only when selected.
var (
	messageDefault = []string{
		"id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "receivedDateTime",
		"sentDateTime", "hasAttachments", "internetMessageId", "subject", "bodyPreview", "importance",
		"parentFolderId", "conversationId", "conversationIndex", "isDeliveryReceiptRequested",
		"isReadReceiptRequested", "isRead", "isDraft", "webLink", "inferenceClassification", "body",
		"sender", "from", "toRecipients", "ccRecipients", "bccRecipients", "replyTo", "flag",
	}
	messageSelectOnly = []string{"internetMessageHeaders", "uniqueBody"}
	// basicDenied are the properties Mail.ReadBasic cannot read.
	basicDenied = []string{"body", "bodyPreview", "uniqueBody", "internetMessageHeaders"}
)

// selection is a parsed $select.
type selection struct {
	all   bool
	props map[string]bool
}

func (s selection) has(p string) bool { return s.props[p] }

// parseSelect parses $select over the message properties (names compared
// case-insensitively; an unknown one is Graph's RequestBroker--ParseUri).
func parseSelect(v string) (selection, *apiError) {
	v = strings.TrimSpace(v)
	if v == "" || v == "*" {
		return selection{all: true}, nil
	}
	sel := selection{props: map[string]bool{}}
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		canon := ""
		for _, p := range append(append([]string(nil), messageDefault...), messageSelectOnly...) {
			if strings.EqualFold(p, f) {
				canon = p
				break
			}
		}
		if canon == "" {
			return sel, newError(400, "RequestBroker--ParseUri", "Could not find a property named '"+f+"' on type 'microsoft.graph.message'.")
		}
		sel.props[canon] = true
	}
	return sel, nil
}

// term is one comparison of a $filter.
type term struct {
	prop, op string
	str      string
	at       time.Time
	boolean  bool
}

var filterProps = map[string]string{
	"internetmessageid": "internetMessageId", "conversationid": "conversationId", "subject": "subject",
	"receiveddatetime": "receivedDateTime", "sentdatetime": "sentDateTime", "isread": "isRead", "isdraft": "isDraft",
}

// parseFilter parses the $filter subset the fake serves: comparisons
// (eq ne gt ge lt le) of internetMessageId, conversationId, subject
// (OData string literals, a quote doubled inside), receivedDateTime,
// sentDateTime (DateTimeOffset literals) and isRead, isDraft, joined by
// "and". Anything else is ErrorInvalidUrlQueryFilter.
func parseFilter(f string) ([]term, *apiError) {
	bad := newError(400, "ErrorInvalidUrlQueryFilter", msgBadFilter)
	toks, ok := tokenize(f)
	if !ok || len(toks) == 0 {
		return nil, bad
	}
	var out []term
	for i := 0; ; {
		if i+3 > len(toks) {
			return nil, bad
		}
		prop, ok := filterProps[strings.ToLower(toks[i])]
		op := strings.ToLower(toks[i+1])
		if !ok || !strings.Contains(" eq ne gt ge lt le ", " "+op+" ") {
			return nil, bad
		}
		t := term{prop: prop, op: op}
		lit := toks[i+2]
		switch prop {
		case "receivedDateTime", "sentDateTime":
			at, err := time.Parse(time.RFC3339Nano, lit)
			if err != nil {
				return nil, bad
			}
			t.at = at
		case "isRead", "isDraft":
			b, err := strconv.ParseBool(lit)
			if err != nil || (op != "eq" && op != "ne") {
				return nil, bad
			}
			t.boolean = b
		default:
			if len(lit) < 2 || lit[0] != '\'' {
				return nil, bad
			}
			t.str = strings.ReplaceAll(lit[1:len(lit)-1], "''", "'")
		}
		out = append(out, t)
		i += 3
		if i == len(toks) {
			return out, nil
		}
		if !strings.EqualFold(toks[i], "and") {
			return nil, bad
		}
		i++
	}
}

// tokenize splits a filter into words and quoted string literals.
func tokenize(f string) ([]string, bool) {
	var toks []string
	for i := 0; i < len(f); {
		switch c := f[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '\'':
			j := i + 1
			for {
				if j >= len(f) {
					return nil, false
				}
				if f[j] == '\'' {
					if j+1 < len(f) && f[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			toks = append(toks, f[i:j+1])
			i = j + 1
		default:
			j := i
			for j < len(f) && f[j] != ' ' && f[j] != '\t' {
				j++
			}
			toks = append(toks, f[i:j])
			i = j
		}
	}
	return toks, true
}

// match reports whether m satisfies every term.
func match(m *message, terms []term) bool {
	for _, t := range terms {
		var c int
		switch t.prop {
		case "internetMessageId":
			c = strings.Compare(m.internetMessageID, t.str)
		case "conversationId":
			c = strings.Compare(m.conversationID, t.str)
		case "subject":
			c = strings.Compare(strings.ToLower(m.subject), strings.ToLower(t.str))
		case "receivedDateTime":
			c = m.receivedAt().Truncate(time.Second).Compare(t.at)
		case "sentDateTime":
			c = m.sentAt().Truncate(time.Second).Compare(t.at)
		case "isRead", "isDraft":
			v := m.isRead
			if t.prop == "isDraft" {
				v = m.isDraft
			}
			if (v == t.boolean) != (t.op == "eq") {
				return false
			}
			continue
		}
		ok := map[string]bool{"eq": c == 0, "ne": c != 0, "gt": c > 0, "ge": c >= 0, "lt": c < 0, "le": c <= 0}[t.op]
		if !ok {
			return false
		}
	}
	return true
}

func (m *message) receivedAt() time.Time {
	if m.received.IsZero() {
		return m.created
	}
	return m.received
}

func (m *message) sentAt() time.Time {
	if m.sent.IsZero() {
		return m.created
	}
	return m.sent
}
