package graph

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/subscriptions"

	"github.com/inboxkit/inboxkit/internal/watchloop"
)

// subscription is one Graph change-notification subscription a Watch
// keeps alive: messages created in one mail folder.
type subscription struct {
	folder  string
	id      string    // "" while there is none
	expires time.Time // as Graph granted it
	due     time.Time // when to renew it, or to try creating it again
	route   *route
	retry   watchloop.Retry // failures in a row to create or renew it
}

// live reports whether Graph holds the subscription.
func (s *subscription) live() bool { return s.id != "" }

// resource is the Graph resource path of the folder's messages.
func (s *subscription) resource() string {
	return "me/mailFolders('" + s.folder + "')/messages"
}

var errNoSubscriptionID = errors.New("graph: subscription created without an id")

func (p *Provider) subscriptionsAPI() *subscriptions.SubscriptionsRequestBuilder {
	return subscriptions.NewSubscriptionsRequestBuilderInternal(map[string]string{"baseurl": p.api.base}, p.api.adapter)
}

// newClientState returns a fresh random secret for one subscription:
// 32 bytes from crypto/rand, base64url (43 characters; Graph allows 128).
func newClientState() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// create asks Graph for the subscription (POST /subscriptions). Graph
// first runs the validation handshake against both URLs, so the host's
// Notifications handler must already be reachable.
func (p *Provider) createSubscription(ctx context.Context, cfg *watchConfig, s *subscription) error {
	clientState := cfg.clientState
	if clientState == "" {
		clientState = newClientState()
	}
	rt := cfg.hub.expect(clientState, cfg.events)
	body := models.NewSubscription()
	changeType, resource := "created", s.resource()
	body.SetChangeType(&changeType)
	body.SetResource(&resource)
	body.SetNotificationUrl(&cfg.notificationURL)
	body.SetLifecycleNotificationUrl(&cfg.lifecycleURL)
	body.SetClientState(&clientState)
	asked := expiryFrom(p.now(), cfg.lifetime)
	body.SetExpirationDateTime(&asked)
	var created models.Subscriptionable
	err := p.call(ctx, "watch", func(ctx context.Context) error {
		var err error
		created, err = p.subscriptionsAPI().Post(ctx, body, nil)
		return err
	})
	if err == nil && deref(created.GetId()) == "" {
		err = p.classify("watch", errNoSubscriptionID)
	}
	if err != nil {
		cfg.hub.drop(rt)
		return err
	}
	s.id = deref(created.GetId())
	s.route = rt
	s.expires = grantedExpiry(created, asked)
	cfg.hub.bind(rt, s.id)
	p.log.DebugContext(ctx, "graph: subscribed", "folder", s.folder, "subscription", s.id, "expires", s.expires)
	return nil
}

// renew extends the subscription (PATCH /subscriptions/{id} with a new
// expirationDateTime), which also reauthorizes it.
func (p *Provider) renewSubscription(ctx context.Context, cfg *watchConfig, s *subscription) error {
	body := models.NewSubscription()
	asked := expiryFrom(p.now(), cfg.lifetime)
	body.SetExpirationDateTime(&asked)
	var renewed models.Subscriptionable
	err := p.call(ctx, "watch", func(ctx context.Context) error {
		var err error
		renewed, err = p.subscriptionsAPI().BySubscriptionId(s.id).Patch(ctx, body, nil)
		return err
	})
	if err != nil {
		return err
	}
	s.expires = grantedExpiry(renewed, asked)
	p.log.DebugContext(ctx, "graph: subscription renewed", "folder", s.folder, "subscription", s.id, "expires", s.expires)
	return nil
}

// deleteSubscription removes the subscription from Graph (a 404 means it
// is gone already) and forgets its route.
func (p *Provider) deleteSubscription(ctx context.Context, cfg *watchConfig, s *subscription) error {
	cfg.hub.drop(s.route)
	id := s.id
	s.id, s.route = "", nil
	if id == "" {
		return nil
	}
	err := p.call(ctx, "watch", func(ctx context.Context) error {
		return p.subscriptionsAPI().BySubscriptionId(id).Delete(ctx, nil)
	})
	if statusOf(err) == 404 {
		return nil
	}
	return err
}

// forget drops a subscription Graph no longer holds, without a request.
func (s *subscription) forget(cfg *watchConfig) {
	cfg.hub.drop(s.route)
	s.id, s.route = "", nil
}

// expiryFrom is the expirationDateTime to ask for: now plus lifetime, in
// whole seconds, since the SDK writes it as RFC 3339 without fractions.
func expiryFrom(now time.Time, lifetime time.Duration) time.Time {
	return now.Add(lifetime).UTC().Truncate(time.Second)
}

// grantedExpiry is the expiration Graph answered, or asked when the
// answer has none.
func grantedExpiry(sub models.Subscriptionable, asked time.Time) time.Time {
	if sub != nil {
		if t := sub.GetExpirationDateTime(); t != nil && !t.IsZero() {
			return *t
		}
	}
	return asked
}
