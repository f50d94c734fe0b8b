package gmail

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Push is a Gmail change notification delivered by Cloud Pub/Sub to the
// host's push endpoint: the mailbox that changed and its new historyId.
type Push struct {
	Email     string
	HistoryID uint64
	// MessageID is the Pub/Sub message id (for the host's de-duplication
	// of redeliveries).
	MessageID string
	// Verified is true when the request carried a valid Google-signed
	// token for the configured audience and service account
	// (PushVerifier.ReadPush sets it; ParsePush does not). Set it yourself
	// only after an equivalent check of your own.
	Verified bool
}

var errBadPush = errors.New("gmail: not a Gmail Pub/Sub push")

// ParsePush reads the JSON body of a Pub/Sub push request
// ({"message":{"data":BASE64,"messageId":…},"subscription":…}) whose data
// is Gmail's {"emailAddress":…,"historyId":…}. The historyId may be a JSON
// number or a string. Anything else is an error; a host answers it with a
// 2xx anyway so Pub/Sub does not redeliver garbage. ParsePush does not
// authenticate the request: a push endpoint must use
// PushVerifier.ReadPush, which checks Google's token first.
func ParsePush(body []byte) (*Push, error) {
	var env struct {
		Message struct {
			Data      string `json:"data"`
			MessageID string `json:"messageId"`
		} `json:"message"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadPush, err)
	}
	data, err := base64.StdEncoding.DecodeString(env.Message.Data)
	if err != nil {
		data, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(env.Message.Data, "="))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: data is not base64", errBadPush)
	}
	var n struct {
		EmailAddress string          `json:"emailAddress"`
		HistoryID    json.RawMessage `json:"historyId"`
	}
	if err := json.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadPush, err)
	}
	id, err := strconv.ParseUint(strings.Trim(string(n.HistoryID), `"`), 10, 64)
	if err != nil || id == 0 || n.EmailAddress == "" {
		return nil, fmt.Errorf("%w: no emailAddress or historyId", errBadPush)
	}
	return &Push{Email: n.EmailAddress, HistoryID: id, MessageID: env.Message.MessageID}, nil
}
