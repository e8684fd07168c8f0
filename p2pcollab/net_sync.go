package p2pcollab

import (
	"bufio"
	"context"
	"errors"
	"io"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/peerstore"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	"github.com/peerd/peerd/p2pcollab/internal/view"
	"github.com/peerd/peerd/p2pcollab/internal/wire"
	"github.com/peerd/peerd/p2pcollab/status"
)

// Snapshots travel over a direct stream from the publisher, authenticated
// by the libp2p connection (the remote peer ID is the key that secured
// it): a watcher opens wire.SyncProtocol(ch), the publisher answers with a
// status byte and, when it serves, [a KeyGrant on the internet channel,]
// then the Snapshot. Only allowed watchers get the internet channel;
// anyone may pull near-me.

// serveSync answers one snapshot pull.
func (nw *netLayer) serveSync(ch wire.Channel, s network.Stream) {
	defer s.Close()
	s.SetDeadline(time.Now().Add(nw.cfg.StreamTimeout))
	p := s.Conn().RemotePeer()
	var grant, snap []byte
	code := syncOK
	key := pullReq{p, ch}
	nw.n.mu.Lock()
	if nw.serving[key] {
		// One pull at a time per peer and channel: a peer asking again
		// before its last answer is done gets nothing.
		nw.n.mu.Unlock()
		nw.stats.refused.Add(1)
		s.Reset()
		return
	}
	nw.serving[key] = true
	defer func() {
		nw.n.mu.Lock()
		delete(nw.serving, key)
		nw.n.mu.Unlock()
	}()
	switch {
	case !nw.live[ch]:
		code = syncNotSignedIn
	case ch.Sealed() && !nw.mayWatch(p):
		code = syncNotAllowed
		nw.stats.refused.Add(1)
	default:
		var err error
		snap, grant, err = nw.snapshotFor(ch)
		if err != nil {
			nw.n.mu.Unlock()
			nw.stats.internalErrors.Add(1)
			s.Reset()
			return
		}
	}
	nw.n.mu.Unlock()
	w := bufio.NewWriter(s)
	w.WriteByte(code)
	if code == syncOK {
		if grant != nil {
			writeFrame(w, grant)
		}
		writeFrame(w, snap)
	}
	if err := w.Flush(); err != nil {
		s.Reset()
	}
}

// snapshotFor encodes channel ch's snapshot, sealed with the current key
// on the internet channel, and the grant of that key. n.mu held.
func (nw *netLayer) snapshotFor(ch wire.Channel) (snap, grant []byte, err error) {
	s := nw.logs[ch].Snapshot()
	if p, ok := nw.currentPresence(ch); ok {
		s.Presence = &p
	}
	if ch.Sealed() {
		if s, err = nw.keys.SealSnapshot(s); err != nil {
			return nil, nil, err
		}
		if grant, err = wire.EncodeKeyGrant(nw.keys.Grant()); err != nil {
			return nil, nil, err
		}
	}
	snap, err = wire.EncodeSnapshot(ch, s)
	return snap, grant, err
}

// pull fetches channel ch's snapshot from p and applies it. The error says
// why it failed in the terms of request_status_changed: unreachable
// (ErrConnectionFailed), not allowed (ErrAccessDenied), not signed in to
// that scope (ErrNotSignedIn), timeout (ErrTimeout) or a malformed answer
// (ErrInvalidArg).
func (nw *netLayer) pull(ctx context.Context, p peer.ID, ch wire.Channel) error {
	ctx, cancel := context.WithTimeout(ctx, nw.cfg.RequestTimeout)
	defer cancel()
	if c, err := nw.n.cfg.Contacts.Get(p); err == nil && len(c.Addrs) > 0 {
		nw.h.Peerstore().AddAddrs(p, c.Addrs, peerstore.TempAddrTTL) // the card's addresses
	}
	s, err := nw.h.NewStream(ctx, p, protocol.ID(wire.SyncProtocol(ch)))
	if err != nil {
		if errors.Is(err, swarm.ErrDialBackoff) && ctx.Err() == nil {
			return errDialBackoff
		}
		if ctx.Err() != nil || isTimeout(err) {
			return status.Errorf(status.ErrTimeout, "%s did not answer: %v", p, err)
		}
		return status.Errorf(status.ErrConnectionFailed, "%s is unreachable: %v", p, err)
	}
	defer s.Close()
	defer context.AfterFunc(ctx, func() { s.Reset() })()
	deadline := time.Now().Add(nw.cfg.StreamTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	s.SetDeadline(deadline)
	s.CloseWrite()
	grant, snap, err := readSyncReply(bufio.NewReader(s), p, ch)
	if err != nil {
		s.Reset()
		return err
	}
	return nw.applySnapshot(p, ch, grant, snap)
}

// readSyncReply reads a publisher's answer to a snapshot pull: the status
// byte, then [a KeyGrant on the internet channel,] the Snapshot. Every
// read is bounded by the message's maximum size.
func readSyncReply(r *bufio.Reader, p peer.ID, ch wire.Channel) (wire.KeyGrant, wire.Snapshot, error) {
	var grant wire.KeyGrant
	code, err := r.ReadByte()
	if err != nil {
		return grant, wire.Snapshot{}, streamError(p, err)
	}
	switch code {
	case syncOK:
	case syncNotAllowed:
		return grant, wire.Snapshot{}, status.Errorf(status.ErrAccessDenied, "%s does not allow this peer to watch it", p)
	case syncNotSignedIn:
		return grant, wire.Snapshot{}, status.Errorf(status.ErrNotSignedIn, "%s is not signed in to %s", p, channelScope(ch))
	default:
		return grant, wire.Snapshot{}, status.Errorf(status.ErrInvalidArg, "%s answered with status %d", p, code)
	}
	if ch.Sealed() {
		b, err := readFrame(r, wire.MaxKeyGrantLen)
		if err != nil {
			return grant, wire.Snapshot{}, streamError(p, err)
		}
		if grant, err = wire.DecodeKeyGrant(b); err != nil {
			return grant, wire.Snapshot{}, err
		}
	}
	b, err := readFrame(r, wire.MaxSnapshotLen)
	if err != nil {
		return grant, wire.Snapshot{}, streamError(p, err)
	}
	snap, err := wire.DecodeSnapshot(ch, b)
	if err != nil {
		return grant, wire.Snapshot{}, err
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return grant, wire.Snapshot{}, status.Errorf(status.ErrInvalidArg, "%s sent more than a snapshot", p)
	}
	return grant, snap, nil
}

// errDialBackoff: the host recently failed to reach the peer and will not
// dial it again yet; a request keeps trying until its timeout.
var errDialBackoff = status.Errorf(status.ErrConnectionFailed, "unreachable a moment ago; not dialed again yet")

func streamError(p peer.ID, err error) error {
	switch {
	case isTimeout(err):
		return status.Errorf(status.ErrTimeout, "%s did not answer in time", p)
	case errors.Is(err, status.ErrInvalidArg):
		return err
	}
	return status.Errorf(status.ErrConnectionFailed, "stream to %s failed: %v", p, err)
}

// applySnapshot installs a snapshot (and the key it came with) in p's view
// and raises the events it causes.
func (nw *netLayer) applySnapshot(p peer.ID, ch wire.Channel, grant wire.KeyGrant, snap wire.Snapshot) error {
	nw.n.mu.Lock()
	defer nw.n.mu.Unlock()
	r := nw.remotes[p]
	if r == nil || !r.ch[ch].follow && !r.refresh {
		return nil // no longer wanted
	}
	if ch.Sealed() {
		if _, err := nw.grants.Add(p, grant); err != nil {
			return err
		}
		opened, err := nw.grants.OpenSnapshot(p, snap)
		if err != nil {
			return err
		}
		snap = opened
	}
	rc := &r.ch[ch]
	verdict, _, err := rc.view.ApplySnapshot(snap)
	if err != nil {
		return err
	}
	rc.lastFresh = time.Now()
	nw.stats.snapshots.Add(1)
	changed := verdict == view.Applied
	if snap.Presence != nil && nw.recordPresence(r, ch, *snap.Presence) {
		changed = true
	}
	if changed {
		nw.n.emit(nw.reconcileShown(r))
	}
	return nil
}

// serveKey receives a key grant pushed by a publisher after it rotated.
// Grants are kept only from publishers whose internet channel the node
// follows, which bounds what a stranger can make it store.
func (nw *netLayer) serveKey(s network.Stream) {
	defer s.Close()
	s.SetDeadline(time.Now().Add(nw.cfg.StreamTimeout))
	p := s.Conn().RemotePeer()
	b, err := readFrame(bufio.NewReader(s), wire.MaxKeyGrantLen)
	if err != nil {
		s.Reset()
		return
	}
	kg, err := wire.DecodeKeyGrant(b)
	if err != nil {
		s.Reset()
		return
	}
	nw.n.mu.Lock()
	defer nw.n.mu.Unlock()
	if r := nw.remotes[p]; r != nil && r.ch[wire.Internet].follow {
		if added, _ := nw.grants.Add(p, kg); added {
			nw.stats.grants.Add(1)
		}
	}
}

// sendGrant pushes the current key to watcher p. It does not dial: a
// watcher that is not connected gets errNotConnected, and the push waits
// for the connection (pushGrant). A watcher no longer allowed is owed
// nothing (nil).
func (nw *netLayer) sendGrant(p peer.ID) error {
	if nw.h.Network().Connectedness(p) != network.Connected {
		return errNotConnected
	}
	nw.n.mu.Lock()
	if !nw.mayWatch(p) {
		nw.n.mu.Unlock()
		return nil
	}
	b, err := wire.EncodeKeyGrant(nw.keys.Grant())
	nw.n.mu.Unlock()
	if err != nil {
		nw.stats.internalErrors.Add(1)
		return nil
	}
	ctx, cancel := context.WithTimeout(network.WithNoDial(nw.ctx, "key grant"), nw.cfg.StreamTimeout)
	defer cancel()
	s, err := nw.h.NewStream(ctx, p, wire.KeyProtocol)
	if err != nil {
		return err
	}
	s.SetDeadline(time.Now().Add(nw.cfg.StreamTimeout))
	if err := writeFrame(s, b); err != nil {
		s.Reset()
		return err
	}
	// Wait for the watcher to close its side: it has read the grant.
	s.CloseWrite()
	if _, err := s.Read(make([]byte, 1)); err != io.EOF {
		s.Reset()
		if err == nil {
			err = errors.New("watcher sent data on the key stream")
		}
		return err
	}
	return s.Close()
}

var errNotConnected = errors.New("not connected")

// isTimeout reports whether any error in err's tree is a timeout. A dial
// error joins one error per address, and its own Timeout looks only at
// its cause, so errors.As alone would miss a QUIC handshake that timed out.
func isTimeout(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if te, ok := err.(interface{ Timeout() bool }); ok && te.Timeout() {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return isTimeout(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if isTimeout(e) {
				return true
			}
		}
	}
	return false
}
