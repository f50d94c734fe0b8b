package fakegraph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// tenantID is the tenant named in notifications.
const tenantID = "84bd8158-6d4d-4958-8b9f-9d6445542f95"

// notifyTimeout is how long Graph waits for a webhook to answer 2xx.
const notifyTimeout = 3 * time.Second

// notifyJob is one POST to a webhook.
type notifyJob struct {
	url       string
	body      []byte
	lifecycle bool
}

// notificationsFor returns the change notifications that a message
// created in u's folder raises. Caller holds s.mu.
func (s *Server) notificationsFor(u *user, m *message) []notifyJob {
	var jobs []notifyJob
	for _, sub := range s.liveSubs() {
		if sub.mailbox != u || (sub.folder != "" && sub.folder != m.folder) || !strings.Contains(sub.changeType, "created") {
			continue
		}
		id := m.id
		if sub.immutable {
			id = m.immutableID
		}
		res := "Users/" + u.id + "/Messages/" + id
		n := map[string]any{
			"subscriptionId":                 sub.id,
			"subscriptionExpirationDateTime": sub.expiration.Format("2006-01-02T15:04:05.0000000Z"),
			"changeType":                     "created",
			"resource":                       res,
			"resourceData": map[string]any{
				"@odata.type": "#Microsoft.Graph.Message",
				"@odata.id":   res,
				"@odata.etag": `W/"CQAAABYAAAD` + m.id[len(m.id)-12:] + `"`,
				"id":          id,
			},
			"clientState": nullIfEmpty(sub.clientState),
			"tenantId":    tenantID,
		}
		body := marshal(map[string]any{"value": []any{n}})
		jobs = append(jobs, notifyJob{url: sub.notificationURL, body: body})
	}
	return jobs
}

// marshal encodes v as Graph does, without escaping < > &.
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return b.Bytes()
}

func nullIfEmpty(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// deliverNotifications POSTs each job and counts the outcome. It must be
// called without s.mu held: a webhook may call back into the API.
func (s *Server) deliverNotifications(jobs []notifyJob) {
	for _, j := range jobs {
		err := s.post(j.url, j.body, notifyTimeout)
		s.mu.Lock()
		if j.lifecycle {
			s.stats.Lifecycles++
		} else {
			s.stats.Notifications++
		}
		if err != nil {
			s.stats.NotificationFailures++
		}
		s.mu.Unlock()
	}
}

// post sends a notification and wants a 2xx within timeout.
func (s *Server) post(target string, body []byte, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := s.out.Do(r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("fakegraph: webhook answered %s", resp.Status)
	}
	return nil
}

// validate makes Graph's validation handshake: POST
// {url}?validationToken={token} (text/plain), wanting 200, a text/plain
// body equal to the decoded token, within the validation timeout.
func (s *Server) validate(target string) *apiError {
	s.mu.Lock()
	s.stats.Validations++
	s.mu.Unlock()
	token := "Validation: Testing client application reachability for subscription Request-Id: " + newGUID()
	u, err := url.Parse(target)
	failed := newError(400, "ValidationError", "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.")
	if err != nil {
		return failed
	}
	qv := u.Query()
	qv.Set("validationToken", token)
	u.RawQuery = qv.Encode()
	ctx, cancel := context.WithTimeout(context.Background(), s.validationTimeout)
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
	if err != nil {
		return failed
	}
	r.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := s.out.Do(r)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return newError(400, "InvalidRequest", "Subscription validation request timed out.")
		}
		return failed
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	switch {
	case err != nil && ctx.Err() != nil:
		return newError(400, "InvalidRequest", "Subscription validation request timed out.")
	case resp.StatusCode != http.StatusOK:
		return failed
	case !strings.HasPrefix(strings.ToLower(resp.Header.Get("Content-Type")), "text/plain"):
		return newError(400, "ValidationError", "Subscription validation request failed. Response must have Content-Type text/plain.")
	case string(got) != token:
		return newError(400, "ValidationError", "Subscription validation request failed. Response must exactly match validationToken query parameter.")
	}
	return nil
}

// Lifecycle POSTs a lifecycle notification ("reauthorizationRequired",
// "subscriptionRemoved" or "missed") to the subscription's
// lifecycleNotificationUrl, in Graph's shape. subscriptionRemoved also
// removes the subscription. It fails when the subscription has no
// lifecycle URL or the webhook does not answer 2xx.
func (s *Server) Lifecycle(subscriptionID, event string) error {
	switch event {
	case "reauthorizationRequired", "subscriptionRemoved", "missed":
	default:
		return fmt.Errorf("fakegraph: unknown lifecycle event %q", event)
	}
	s.mu.Lock()
	var sub *subscription
	for i, x := range s.liveSubs() {
		if x.id == subscriptionID {
			sub = x
			if event == "subscriptionRemoved" {
				s.subs = append(s.subs[:i], s.subs[i+1:]...)
			}
			break
		}
	}
	s.mu.Unlock()
	if sub == nil {
		return fmt.Errorf("fakegraph: no subscription %q", subscriptionID)
	}
	if sub.lifecycleURL == "" {
		return fmt.Errorf("fakegraph: subscription %q has no lifecycleNotificationUrl", subscriptionID)
	}
	body := marshal(map[string]any{"value": []any{map[string]any{
		"subscriptionId":                 sub.id,
		"subscriptionExpirationDateTime": sub.expiration.Format("2006-01-02T15:04:05.0000000Z"),
		"tenantId":                       tenantID,
		"clientState":                    nullIfEmpty(sub.clientState),
		"lifecycleEvent":                 event,
	}}})
	err := s.post(sub.lifecycleURL, body, notifyTimeout)
	s.mu.Lock()
	s.stats.Lifecycles++
	s.mu.Unlock()
	return err
}
