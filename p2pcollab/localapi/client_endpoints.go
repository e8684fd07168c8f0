package localapi

import (
	"context"
	"net/http"
	"net/url"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/peerd/peerd/p2pcollab"
	"github.com/peerd/peerd/p2pcollab/status"
)

// SubscribeEndpoint implements p2pcollab.Session: the daemon holds the
// subscription for this session and releases it when the session ends.
func (s *Session) SubscribeEndpoint(ctx context.Context, p peer.ID) error {
	return s.c.endpointCall(ctx, http.MethodPost, p, "subscribe", s.header())
}

// UnsubscribeEndpoint implements p2pcollab.Session.
func (s *Session) UnsubscribeEndpoint(ctx context.Context, p peer.ID) error {
	return s.c.endpointCall(ctx, http.MethodDelete, p, "subscribe", s.header())
}

// RefreshEndpoint implements p2pcollab.API.
func (c *Client) RefreshEndpoint(ctx context.Context, p peer.ID) error {
	return c.endpointCall(ctx, http.MethodPost, p, "refresh", nil)
}

// endpointCall checks what the node checks before anything else, in the
// same order (the context, then the peer ID), so that a bad call fails the
// same way in-process and here; the daemon checks the rest.
func (c *Client) endpointCall(ctx context.Context, method string, p peer.ID, what string, h http.Header) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p == "" {
		return status.Errorf(status.ErrInvalidArg, "empty peer ID")
	}
	if _, err := peer.IDFromBytes([]byte(p)); err != nil {
		return status.Errorf(status.ErrInvalidArg, "malformed peer ID: %v", err)
	}
	return c.do(ctx, method, "/v1/endpoints/"+url.PathEscape(p.String())+"/"+what, nil, h, nil, nil)
}

// PeopleNearMe implements p2pcollab.API.
func (c *Client) PeopleNearMe(ctx context.Context) ([]p2pcollab.Person, error) {
	var ws []Person
	if err := c.do(ctx, http.MethodGet, "/v1/near", nil, nil, nil, &ws); err != nil {
		return nil, err
	}
	out := make([]p2pcollab.Person, 0, len(ws))
	for _, w := range ws {
		p, err := fromPerson(w)
		if err != nil {
			return nil, malformed("person", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// Endpoints implements p2pcollab.API.
func (c *Client) Endpoints(ctx context.Context) ([]p2pcollab.Endpoint, error) {
	var ws []Endpoint
	if err := c.do(ctx, http.MethodGet, "/v1/endpoints", nil, nil, nil, &ws); err != nil {
		return nil, err
	}
	out := make([]p2pcollab.Endpoint, 0, len(ws))
	for _, w := range ws {
		e, err := fromEndpoint(w)
		if err != nil {
			return nil, malformed("endpoint", err)
		}
		out = append(out, e)
	}
	return out, nil
}

// NetStats implements p2pcollab.API.
func (c *Client) NetStats(ctx context.Context) (p2pcollab.NetStats, error) {
	var w NetStats
	if err := c.do(ctx, http.MethodGet, "/v1/netstats", nil, nil, nil, &w); err != nil {
		return p2pcollab.NetStats{}, err
	}
	return p2pcollab.NetStats(w), nil
}
