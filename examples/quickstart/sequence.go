package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/inboxkit/inboxkit/crypto"
	"github.com/inboxkit/inboxkit/provider"
	"github.com/inboxkit/inboxkit/provider/providertest"
	"github.com/inboxkit/inboxkit/smtpimap"
	"github.com/inboxkit/inboxkit/tracking"
	"github.com/inboxkit/inboxkit/tracking/activity"
	"github.com/inboxkit/inboxkit/tracking/beacon"
)

const campaign = "q4-outreach"

// sequence is what the host keeps: the SentIndex of what it sent and the
// ledger of events per recipient.
type sequence struct {
	sender  *smtpimap.Provider
	tracked *tracked // the sender wrapped for open/click tracking
	index   *tracking.MemoryIndex
	ledger  *activity.Ledger
	step1   map[string]*provider.Sent // by prospect address
	outcome map[string]string         // by prospect address
}

func runSequence(ctx context.Context, w io.Writer, wd *world, sender *smtpimap.Provider) (*sequence, error) {
	ledger := activity.NewLedger(nil)
	tr, err := newTracked(sender, ledger)
	if err != nil {
		return nil, err
	}
	seq := &sequence{
		sender:  sender,
		tracked: tr,
		index:   tracking.NewMemoryIndex(0),
		ledger:  ledger,
		step1:   map[string]*provider.Sent{},
		outcome: map[string]string{},
	}

	wd.srv.ResetCounters()
	// Step 1 to everyone. The idempotency key makes a retry after a
	// timeout safe: the same key never delivers twice.
	for _, p := range prospects {
		m, err := stepOne(p)
		if err != nil {
			return nil, err
		}
		sent, err := seq.tracked.provider.Send(ctx, m)
		if err != nil {
			return nil, fmt.Errorf("step 1 to %s: %w", p.Email, err)
		}
		rec := provider.RecordOf(senderEmail, m, sent)
		rec.Meta = map[string]string{activity.MetaCampaign: campaign, "step": "1"}
		if err := seq.index.Add(*rec); err != nil {
			return nil, err
		}
		seq.step1[p.Email] = sent
	}
	// A retry of the first send, as after a timeout: not delivered again.
	retry, err := stepOne(prospects[0])
	if err != nil {
		return nil, err
	}
	again, err := seq.tracked.provider.Send(ctx, retry)
	if err != nil {
		return nil, err
	}
	sentCopies, _ := wd.srv.Mailbox(senderEmail, "Sent")
	fmt.Fprintf(w, "4. Step 1         sent to %d prospects on the SMTP connection Verify opened (%d new connections); %d copies in Ada's Sent folder\n",
		len(prospects), wd.srv.SMTPConnections(), len(sentCopies))
	fmt.Fprintf(w, "                  retry with the same idempotency key → duplicate=%v, nothing delivered twice\n", again.Duplicate)

	if err := prospectsAct(ctx, w, wd, seq); err != nil {
		return nil, err
	}
	if err := fetchAndClassify(ctx, w, wd, seq); err != nil {
		return nil, err
	}
	return seq, stepTwo(ctx, w, wd, seq)
}

func stepOne(p prospect) (*provider.Message, error) {
	first := strings.Fields(p.Name)[0]
	m := &provider.Message{
		To:             []provider.Address{{Name: p.Name, Email: p.Email}},
		Subject:        "Go engineers for your platform team",
		Text:           "Hi " + first + ",\n\nWe place senior Go engineers in two weeks. Worth a call?\n\nAda\n",
		HTML:           "<p>Hi " + first + ",</p><p>We place senior Go engineers in two weeks. <a href=\"https://acme.test/go\">See how</a>. Worth a call?</p><p>Ada</p>",
		IdempotencyKey: campaign + "/step-1/" + p.Email,
	}
	// Opt in to open, click and one-click unsubscribe tracking.
	return m, beacon.Track(m, beacon.All(campaign))
}

// prospectsAct plays the prospects: Bob replies from his own mailbox,
// Cyd's mailbox answers with an out-of-office, Dan's server bounces, a
// newsletter arrives that has nothing to do with the sequence.
func prospectsAct(ctx context.Context, w io.Writer, wd *world, seq *sequence) error {
	for _, p := range prospects {
		sent := seq.step1[p.Email]
		switch p.Behaviour {
		case "reply", "ooo":
			cfg := wd.config(p.Email)
			cfg.IMAP = nil // a sender that only sends
			cfg.Password = crypto.Secret(prospectPass)
			mailbox, err := smtpimap.New(cfg)
			if err != nil {
				return err
			}
			m := &provider.Message{
				To:         []provider.Address{{Email: senderEmail}},
				Subject:    "Re: Go engineers for your platform team",
				Text:       "Hi Ada, yes — Tuesday at 10?\n\n> We place senior Go engineers in two weeks.\n",
				InReplyTo:  sent.MessageID,
				References: []string{sent.MessageID},
			}
			if p.Behaviour == "ooo" {
				m.Subject = "Automatic reply: Go engineers for your platform team"
				m.Text = "I am out of the office until " + time.Now().AddDate(0, 0, 7).Format("2 January 2006") + " with limited access to email.\n"
				m.Headers = []provider.Header{{Name: "Auto-Submitted", Value: "auto-replied"}, {Name: "X-Autoreply", Value: "yes"}}
			}
			_, err = mailbox.Send(ctx, m)
			mailbox.Close()
			if err != nil {
				return fmt.Errorf("%s answering: %w", p.Email, err)
			}
		case "bounce":
			dsn := providertest.Bounce(senderEmail, p.Email, "Go engineers for your platform team", sent.MessageID)
			if err := wd.srv.Deliver(senderEmail, dsn); err != nil {
				return err
			}
		}
	}
	if err := wd.srv.Deliver(senderEmail, providertest.Unrelated("deals@shop.test", senderEmail)); err != nil {
		return err
	}
	fmt.Fprintln(w, "5. Prospects      Bob replies, Cyd's mailbox sends an out-of-office, Dan's server bounces; a newsletter arrives too")
	return nil
}

// fetchAndClassify reads back only the related mail, classified, through
// the engine (Bob's reply, Cyd's out-of-office, Dan's bounce).
func fetchAndClassify(ctx context.Context, w io.Writer, wd *world, seq *sequence) error {
	return runEngine(ctx, w, wd, seq, 3)
}

func addressOf(s string) string {
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			return s[i+1 : i+j]
		}
	}
	return strings.TrimSpace(s)
}
