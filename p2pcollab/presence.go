package p2pcollab

import (
	"fmt"
	"unicode/utf8"

	"github.com/peerd/peerd/p2pcollab/status"
)

// PresenceStatus is PEER_PRESENCE_STATUS, with the original values.
type PresenceStatus uint8

const (
	PresenceOffline     PresenceStatus = 0
	PresenceOutToLunch  PresenceStatus = 1
	PresenceAway        PresenceStatus = 2
	PresenceBeRightBack PresenceStatus = 3
	PresenceIdle        PresenceStatus = 4
	PresenceBusy        PresenceStatus = 5
	PresenceOnThePhone  PresenceStatus = 6
	PresenceOnline      PresenceStatus = 7
)

var presenceNames = [...]string{"offline", "out-to-lunch", "away", "be-right-back", "idle", "busy", "on-the-phone", "online"}

func (p PresenceStatus) String() string {
	if int(p) < len(presenceNames) {
		return presenceNames[p]
	}
	return fmt.Sprintf("presence(%d)", uint8(p))
}

// MarshalText implements encoding.TextMarshaler.
func (p PresenceStatus) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *PresenceStatus) UnmarshalText(b []byte) error {
	for i, n := range presenceNames {
		if n == string(b) {
			*p = PresenceStatus(i)
			return nil
		}
	}
	return status.Errorf(status.ErrInvalidArg, "unknown presence status %q", b)
}

// MaxPresenceText is the longest presence text, in characters.
const MaxPresenceText = 255

// Presence is PEER_PRESENCE_INFO: a status and a free text.
type Presence struct {
	Status PresenceStatus `json:"status"`
	Text   string         `json:"text,omitempty"`
}

// Validate checks the status range and the text length.
func (p Presence) Validate() error {
	if p.Status > PresenceOnline {
		return status.Errorf(status.ErrInvalidArg, "invalid presence status %d", uint8(p.Status))
	}
	if !utf8.ValidString(p.Text) {
		return status.Errorf(status.ErrInvalidArg, "presence text is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(p.Text); n > MaxPresenceText {
		return status.Errorf(status.ErrInvalidArg, "presence text is %d characters (at most %d)", n, MaxPresenceText)
	}
	return nil
}
