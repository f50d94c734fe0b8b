package gmail

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/inboxkit/inboxkit/provider"
	gmailapi "google.golang.org/api/gmail/v1"
)

// labeler puts the host's label on sent and related mail.
type labeler struct {
	name string

	mu sync.Mutex
	id string // found or created once
}

// labelID returns the id of the label, listing labels (1 unit) and
// creating it (5 units) when missing, once per Provider.
func (p *Provider) labelID(ctx context.Context) (string, error) {
	l := &p.label
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.id != "" {
		return l.id, nil
	}
	var list *gmailapi.ListLabelsResponse
	err := p.call(ctx, "label", func(ctx context.Context) error {
		var err error
		list, err = p.svc.Users.Labels.List("me").Context(ctx).Do()
		return err
	})
	if err != nil {
		return "", err
	}
	for _, x := range list.Labels {
		if strings.EqualFold(x.Name, l.name) {
			l.id = x.Id
			return l.id, nil
		}
	}
	var created *gmailapi.Label
	err = p.call(ctx, "label", func(ctx context.Context) error {
		var err error
		created, err = p.svc.Users.Labels.Create("me", &gmailapi.Label{
			Name: l.name, LabelListVisibility: "labelShow", MessageListVisibility: "show",
		}).Context(ctx).Do()
		return err
	})
	if err != nil {
		return "", err
	}
	l.id = created.Id
	return l.id, nil
}

// applyLabel labels the message (messages.modify, 5 units) when
// Options.Label is set. Failures are logged, not returned: the mail was
// sent or fetched all the same.
func (p *Provider) applyLabel(ctx context.Context, messageID string) {
	if p.label.name == "" || messageID == "" {
		return
	}
	id, err := p.labelID(ctx)
	if err == nil {
		err = p.call(ctx, "label", func(ctx context.Context) error {
			_, err := p.svc.Users.Messages.Modify("me", messageID, &gmailapi.ModifyMessageRequest{AddLabelIds: []string{id}}).Context(ctx).Do()
			return err
		})
	}
	if err != nil {
		level := "gmail: labelling failed"
		if errors.Is(err, provider.ErrPermission) {
			level = "gmail: labelling needs the gmail.modify scope"
		}
		p.log.WarnContext(ctx, level, "message", messageID, "err", err)
	}
}
