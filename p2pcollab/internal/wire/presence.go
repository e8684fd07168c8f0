package wire

import "encoding/binary"

// Presence is a publisher's presence (status and text) on one channel, a
// gossip message like Update and Digest. Version grows by one per change
// within an epoch, so a watcher keeps the newest and ignores replays. It
// is published on change only: a Snapshot carries the current one for
// watchers that join late, and a Digest its version, so that a watcher
// that missed a change notices and pulls the snapshot.
//
// Layout after the header: epoch, version and key id as varints, then data
// (varint length + bytes): the status byte followed by the text, in
// plaintext on NearMe, sealed on Internet.
type Presence struct {
	Epoch   uint64 // >= 1
	Version uint64 // >= 1
	KeyID   uint32 // 0 on NearMe
	Data    []byte // status byte + UTF-8 text; sealed on Internet
}

func (p Presence) check(ch Channel) error {
	if err := ch.checkKeyID(uint64(p.KeyID)); err != nil {
		return err
	}
	if p.Epoch == 0 || p.Version == 0 {
		return invalid("presence: epoch %d, version %d (want both >= 1)", p.Epoch, p.Version)
	}
	lo, hi := 1, MaxPresenceData
	if ch.Sealed() {
		lo, hi = lo+SealOverhead, hi+SealOverhead
	}
	return checkData("presence data", p.Data, lo, hi)
}

// EncodePresence encodes p for channel ch, or fails if p breaks a rule.
func EncodePresence(ch Channel, p Presence) ([]byte, error) {
	if err := p.check(ch); err != nil {
		return nil, err
	}
	b := make([]byte, 0, 2+4*maxVarint+len(p.Data))
	b = append(b, header(TypePresence)...)
	b = binary.AppendUvarint(b, p.Epoch)
	return appendPresenceBody(b, p), nil
}

// appendPresenceBody appends what follows the epoch: version, key id and
// data. A Snapshot carries a presence in this form, under its own epoch.
func appendPresenceBody(b []byte, p Presence) []byte {
	b = binary.AppendUvarint(b, p.Version)
	b = binary.AppendUvarint(b, uint64(p.KeyID))
	return appendData(b, p.Data)
}

// DecodePresence decodes a presence received on channel ch. The payload's
// content (status range, UTF-8, text length) is the caller's to check
// after opening it.
func DecodePresence(ch Channel, b []byte) (Presence, error) {
	r := reader{b: b}
	r.header(TypePresence)
	var p Presence
	p.Epoch = r.uvarint("presence epoch")
	r.presenceBody(ch, &p)
	if err := r.end(TypePresence); err != nil {
		return Presence{}, err
	}
	if err := p.check(ch); err != nil {
		return Presence{}, err
	}
	return p, nil
}

// presenceBody reads what appendPresenceBody wrote into p.
func (r *reader) presenceBody(ch Channel, p *Presence) {
	p.Version = r.uvarint("presence version")
	keyID := r.uvarint("presence key id")
	if r.err == nil {
		r.err = ch.checkKeyID(keyID)
	}
	p.KeyID = uint32(keyID)
	lo, hi := 1, MaxPresenceData
	if ch.Sealed() {
		lo, hi = lo+SealOverhead, hi+SealOverhead
	}
	p.Data = r.data(lo, hi, "presence data")
}
