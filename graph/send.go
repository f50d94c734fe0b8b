package graph

import (
	"context"

	"github.com/inboxkit/inboxkit/provider"
)

// Send is not written yet.
func (p *Provider) Send(ctx context.Context, m *provider.Message) (*provider.Sent, error) {
	return nil, p.checkOpen("send")
}

// Fetch is not written yet.
func (p *Provider) Fetch(ctx context.Context, cursor string, idx provider.SentIndex) (*provider.Batch, error) {
	return nil, p.checkOpen("fetch")
}
