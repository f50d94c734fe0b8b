package fakegraph

import (
	"bytes"
	"encoding/json"
	"net/mail"
	"strings"
)

// object is a decoded JSON object whose keys were matched,
// case-insensitively as Graph does, to a type's property names.
type object map[string]json.RawMessage

func bodyReadError(msg string) *apiError { return newError(400, "RequestBodyRead", msg) }

// decodeObject decodes raw as an object of OData type typeName whose
// properties are known (canonical spelling). Keys match case-insensitively
// (the SDK sends action bodies in PascalCase); instance annotations such
// as "@odata.type" are ignored; any other unknown property is refused, as
// Graph does.
func decodeObject(raw json.RawMessage, typeName string, known ...string) (object, *apiError) {
	return decodeKeys(raw, known, func(k string) *apiError {
		return bodyReadError("The property '" + k + "' does not exist on type '" + typeName +
			"'. Make sure to only use property names that are defined by the type or mark the type as open type.")
	})
}

// decodeParams decodes the parameters of an OData action such as sendMail.
func decodeParams(raw json.RawMessage, action string, known ...string) (object, *apiError) {
	return decodeKeys(raw, known, func(k string) *apiError {
		return bodyReadError("The parameter '" + k + "' in the request payload is not a valid parameter for the operation '" + action + "'.")
	})
}

func decodeKeys(raw json.RawMessage, known []string, unknown func(string) *apiError) (object, *apiError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		if !json.Valid(raw) {
			return nil, bodyReadError(msgInvalidJSON)
		}
		return nil, bodyReadError("An unexpected '" + jsonKind(raw) + "' node was found when reading from the JSON reader. A 'StartObject' node was expected.")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, bodyReadError(msgInvalidJSON)
	}
	out := object{}
	for k, v := range m {
		if strings.HasPrefix(k, "@") || strings.Contains(k, "@odata.") {
			continue
		}
		canon := ""
		for _, name := range known {
			if strings.EqualFold(k, name) {
				canon = name
				break
			}
		}
		if canon == "" {
			return nil, unknown(k)
		}
		out[canon] = v
	}
	return out, nil
}

func jsonKind(raw json.RawMessage) string {
	switch {
	case len(raw) == 0:
		return "None"
	case raw[0] == '[':
		return "StartArray"
	default:
		return "PrimitiveValue"
	}
}

func isNull(v json.RawMessage) bool { return len(v) == 0 || string(bytes.TrimSpace(v)) == "null" }

// str reads a string property ("" when absent or null).
func (o object) str(key string) (string, *apiError) {
	v, ok := o[key]
	if !ok || isNull(v) {
		return "", nil
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", bodyReadError("Cannot convert a primitive value to the expected type 'Edm.String'. See the inner exception for more details.")
	}
	return s, nil
}

// boolean reads a Boolean property; Graph also accepts "true"/"false"
// strings (the sendMail reference example sends "saveToSentItems": "false").
func (o object) boolean(key string, def bool) (bool, *apiError) {
	v, ok := o[key]
	if !ok || isNull(v) {
		return def, nil
	}
	var b bool
	if json.Unmarshal(v, &b) == nil {
		return b, nil
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		switch strings.ToLower(s) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, bodyReadError("Cannot convert the literal '" + string(v) + "' to the expected type 'Edm.Boolean'.")
}

// array splits an array property into its elements.
func (o object) array(key string) ([]json.RawMessage, *apiError) {
	v, ok := o[key]
	if !ok || isNull(v) {
		return nil, nil
	}
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		return nil, bodyReadError("An unexpected '" + jsonKind(v) + "' node was found when reading from the JSON reader. A 'StartArray' node was expected.")
	}
	return items, nil
}

// recipient decodes {"emailAddress":{"address","name"}}.
func recipient(raw json.RawMessage) (*mail.Address, *apiError) {
	if isNull(raw) {
		return nil, nil
	}
	r, e := decodeObject(raw, "microsoft.graph.recipient", "emailAddress")
	if e != nil {
		return nil, e
	}
	v, ok := r["emailAddress"]
	if !ok || isNull(v) {
		return &mail.Address{}, nil
	}
	ea, e := decodeObject(v, "microsoft.graph.emailAddress", "address", "name")
	if e != nil {
		return nil, e
	}
	addr, e := ea.str("address")
	if e != nil {
		return nil, e
	}
	name, e := ea.str("name")
	if e != nil {
		return nil, e
	}
	return &mail.Address{Name: name, Address: strings.TrimSpace(addr)}, nil
}

func (o object) recipients(key string) ([]*mail.Address, *apiError) {
	items, e := o.array(key)
	if e != nil {
		return nil, e
	}
	var out []*mail.Address
	for _, it := range items {
		a, e := recipient(it)
		if e != nil {
			return nil, e
		}
		if a != nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// messageProps are the message properties Graph accepts in a request
// body (read-only ones are accepted and ignored).
var messageProps = []string{
	"subject", "body", "toRecipients", "ccRecipients", "bccRecipients", "replyTo", "from", "sender",
	"internetMessageHeaders", "internetMessageId", "importance", "isRead", "isReadReceiptRequested",
	"isDeliveryReceiptRequested", "categories", "flag", "attachments", "inferenceClassification",
	"id", "isDraft", "conversationId", "conversationIndex", "parentFolderId", "changeKey",
	"createdDateTime", "lastModifiedDateTime", "receivedDateTime", "sentDateTime", "hasAttachments",
	"bodyPreview", "uniqueBody", "webLink", "singleValueExtendedProperties", "multiValueExtendedProperties",
}

// msgInput is a message given as JSON.
type msgInput struct {
	has               map[string]bool
	subject           string
	bodyType, body    string
	to, cc, bcc       []*mail.Address
	replyTo           []*mail.Address
	from, sender      *mail.Address
	headers           [][2]string
	internetMessageID string
	importance        string
	isRead            bool
}

// parseMessage decodes a message JSON object.
func parseMessage(raw json.RawMessage) (*msgInput, *apiError) {
	o, e := decodeObject(raw, "microsoft.graph.message", messageProps...)
	if e != nil {
		return nil, e
	}
	in := &msgInput{has: map[string]bool{}, bodyType: "text", importance: "normal"}
	for k := range o {
		in.has[k] = true
	}
	if in.subject, e = o.str("subject"); e != nil {
		return nil, e
	}
	if in.internetMessageID, e = o.str("internetMessageId"); e != nil {
		return nil, e
	}
	for key, dst := range map[string]*[]*mail.Address{"toRecipients": &in.to, "ccRecipients": &in.cc, "bccRecipients": &in.bcc, "replyTo": &in.replyTo} {
		if *dst, e = o.recipients(key); e != nil {
			return nil, e
		}
	}
	if in.from, e = recipient(o["from"]); e != nil {
		return nil, e
	}
	if in.sender, e = recipient(o["sender"]); e != nil {
		return nil, e
	}
	if in.isRead, e = o.boolean("isRead", false); e != nil {
		return nil, e
	}
	if v, ok := o["body"]; ok && !isNull(v) {
		b, e := decodeObject(v, "microsoft.graph.itemBody", "contentType", "content")
		if e != nil {
			return nil, e
		}
		ct, e := b.str("contentType")
		if e != nil {
			return nil, e
		}
		switch strings.ToLower(ct) {
		case "", "text":
			in.bodyType = "text"
		case "html":
			in.bodyType = "html"
		default:
			return nil, bodyReadError("Cannot convert the literal '" + ct + "' to the expected type 'microsoft.graph.bodyType'.")
		}
		if in.body, e = b.str("content"); e != nil {
			return nil, e
		}
	}
	if imp, e := o.str("importance"); e != nil {
		return nil, e
	} else if imp != "" {
		switch strings.ToLower(imp) {
		case "low", "normal", "high":
			in.importance = strings.ToLower(imp)
		default:
			return nil, bodyReadError("Cannot convert the literal '" + imp + "' to the expected type 'microsoft.graph.importance'.")
		}
	}
	items, e := o.array("internetMessageHeaders")
	if e != nil {
		return nil, e
	}
	for _, it := range items {
		h, e := decodeObject(it, "microsoft.graph.internetMessageHeader", "name", "value")
		if e != nil {
			return nil, e
		}
		name, _ := h.str("name")
		value, _ := h.str("value")
		if !strings.HasPrefix(strings.ToLower(name), "x-") {
			return nil, newError(400, "InvalidInternetMessageHeader", "The internet message header name '"+name+"' should start with 'x-' or 'X-'.")
		}
		in.headers = append(in.headers, [2]string{name, value})
	}
	return in, nil
}
