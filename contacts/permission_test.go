package contacts

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/peerd/peerd/p2pcollab/status"
)

func TestPermissionString(t *testing.T) {
	for p, want := range map[Permission]string{
		PermissionBlocked: "blocked",
		PermissionAllowed: "allowed",
		Permission(7):     "Permission(7)",
		Permission(-1):    "Permission(-1)",
	} {
		if got := p.String(); got != want {
			t.Errorf("Permission(%d).String() = %q, want %q", int(p), got, want)
		}
	}
}

func TestParsePermission(t *testing.T) {
	for _, p := range []Permission{PermissionBlocked, PermissionAllowed} {
		got, err := ParsePermission(p.String())
		if err != nil || got != p {
			t.Errorf("ParsePermission(%q) = %v, %v; want %v, nil", p.String(), got, err, p)
		}
	}
	for _, s := range []string{"", "Allowed", "ALLOWED", " allowed", "1", "Permission(1)"} {
		if _, err := ParsePermission(s); !errors.Is(err, status.ErrInvalidArg) {
			t.Errorf("ParsePermission(%q): got %v, want status.ErrInvalidArg", s, err)
		}
	}
}

func TestPermissionJSON(t *testing.T) {
	b, err := json.Marshal(PermissionAllowed)
	if err != nil || string(b) != `"allowed"` {
		t.Fatalf("Marshal(PermissionAllowed) = %s, %v; want \"allowed\"", b, err)
	}
	var p Permission
	if err := json.Unmarshal([]byte(`"allowed"`), &p); err != nil || p != PermissionAllowed {
		t.Fatalf("Unmarshal(\"allowed\") = %v, %v; want allowed", p, err)
	}
	if _, err := json.Marshal(Permission(2)); err == nil {
		t.Error("Marshal(Permission(2)): got nil error, want an error")
	}
	if err := json.Unmarshal([]byte(`"maybe"`), &p); err == nil {
		t.Error("Unmarshal(\"maybe\"): got nil error, want an error")
	}
}
