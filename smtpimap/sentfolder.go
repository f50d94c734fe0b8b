package smtpimap

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/inboxkit/inboxkit/internal/compose"
	"github.com/inboxkit/inboxkit/provider"
)

// commonSentNames are tried, in order, when no mailbox carries the RFC 6154
// \Sent attribute.
var commonSentNames = []string{
	"Sent", "Sent Items", "Sent Messages", "Sent Mail", "INBOX.Sent", "INBOX/Sent",
	"[Gmail]/Sent Mail", "Gesendet", "Gesendete Elemente", "Envoyés", "Éléments envoyés",
	"Enviados", "Elementos enviados", "Inviati", "Posta inviata", "Verzonden", "Skickat", "Sendt",
}

// sentFolder finds the Sent folder: Config.SentFolder, the mailbox LIST
// marks \Sent, a mailbox with a common name, or a new "Sent".
func (s *imapSession) sentFolder() (string, error) {
	p := s.p
	p.sentMu.Lock()
	defer p.sentMu.Unlock()
	if p.sentFolder != "" {
		return p.sentFolder, nil
	}
	if p.cfg.SentFolder != "" {
		p.sentFolder = p.cfg.SentFolder
		return p.sentFolder, nil
	}
	var opts *imap.ListOptions
	if s.c.Caps().Has(imap.CapSpecialUse) {
		opts = &imap.ListOptions{ReturnSpecialUse: true}
	}
	boxes, err := s.c.List("", "*", opts).Collect()
	if err != nil {
		return "", wrap("list", err)
	}
	names := make(map[string]string, len(boxes))
	for _, b := range boxes {
		for _, attr := range b.Attrs {
			if attr == imap.MailboxAttrSent {
				p.sentFolder = b.Mailbox
				return b.Mailbox, nil
			}
		}
		names[strings.ToLower(b.Mailbox)] = b.Mailbox
	}
	for _, n := range commonSentNames {
		if name, ok := names[strings.ToLower(n)]; ok {
			p.sentFolder = name
			return name, nil
		}
	}
	if err := s.c.Create("Sent", &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttrSent}}).Wait(); err != nil {
		if err := s.c.Create("Sent", nil).Wait(); err != nil {
			return "", wrap("create", err)
		}
	}
	p.sentFolder = "Sent"
	return "Sent", nil
}

// appendSent saves the exact bytes sent to the Sent folder, marked \Seen,
// and returns the copy's UID when the server reports it (UIDPLUS). An
// APPEND is never repeated blindly: when the first one was lost with its
// connection (the server may have stored it), the retry looks the
// Message-ID up in Sent first and appends only when it is not there.
func (p *Provider) appendSent(ctx context.Context, b *compose.Built) (string, error) {
	var uid string
	tries := 0
	err := p.imap.do(ctx, func(s *imapSession) error {
		folder, err := s.sentFolder()
		if err != nil {
			return err
		}
		tries++
		if tries > 1 {
			found, _, err := s.findInSent(folder, b.MessageID)
			if err != nil {
				return err
			}
			if found != 0 {
				uid = strconv.FormatUint(uint64(found), 10)
				return nil
			}
		}
		cmd := s.c.Append(folder, int64(len(b.Raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: b.Date})
		if _, err := cmd.Write(b.Raw); err != nil {
			_ = cmd.Close()
			return wrap("append", err)
		}
		if err := cmd.Close(); err != nil {
			return wrap("append", err)
		}
		data, err := cmd.Wait()
		if err != nil {
			return wrap("append", err)
		}
		if data != nil && data.UID != 0 {
			uid = strconv.FormatUint(uint64(data.UID), 10)
		}
		return nil
	})
	return uid, err
}

// findInSent searches folder for messageID, returning the first copy's UID
// (0 when there is none) and its INTERNALDATE when the server gives it.
func (s *imapSession) findInSent(folder, messageID string) (imap.UID, time.Time, error) {
	if _, err := s.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return 0, time.Time{}, wrap("select", err)
	}
	data, err := s.c.UIDSearch(&imap.SearchCriteria{
		Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: "<" + messageID + ">"}},
	}, nil).Wait()
	if err != nil {
		return 0, time.Time{}, wrap("search", err)
	}
	uids := data.AllUIDs()
	if len(uids) == 0 {
		return 0, time.Time{}, nil
	}
	var date time.Time
	fetch, err := s.c.Fetch(imap.UIDSetNum(uids[0]), &imap.FetchOptions{InternalDate: true}).Collect()
	if err == nil && len(fetch) == 1 {
		date = fetch[0].InternalDate
	}
	return uids[0], date, nil
}

// lookupSent finds a message in the Sent folder by Message-ID, for the
// idempotency check after an ambiguous failure.
func (p *Provider) lookupSent(ctx context.Context, messageID string) (*provider.Sent, error) {
	if p.cfg.IMAP == nil {
		return nil, provider.ErrNotFound
	}
	var found *provider.Sent
	err := p.imap.do(ctx, func(s *imapSession) error {
		folder, err := s.sentFolder()
		if err != nil {
			return err
		}
		uid, date, err := s.findInSent(folder, messageID)
		if err != nil || uid == 0 {
			return err
		}
		found = &provider.Sent{MessageID: messageID, ThreadID: messageID, ProviderID: strconv.FormatUint(uint64(uid), 10), SentAt: date}
		if found.SentAt.IsZero() {
			found.SentAt = time.Now()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, provider.ErrNotFound
	}
	return found, nil
}
