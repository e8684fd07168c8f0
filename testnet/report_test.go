package testnet

import (
	"strings"
	"testing"
)

// TestReportVerdict checks whom the verdict judges: peerd when it ran,
// else the baseline, whose shortfall beside a passing peerd is reported
// but does not fail the run.
func TestReportVerdict(t *testing.T) {
	pass := func() *Result { return &Result{Share: 1, Converged: true, SafetyMeaningful: true} }
	short := func() *Result { r := pass(); r.Share, r.Converged = 0.9, false; return r }
	unsafe := func() *Result { r := pass(); r.Safety.Forged = 1; return r }
	for _, tc := range []struct {
		name             string
		baseline, peerd  *Result
		ok, baselineNote bool
	}{
		{"both pass", pass(), pass(), true, false},
		{"baseline short, peerd passes", short(), pass(), true, true},
		{"peerd short", pass(), short(), false, false},
		{"peerd unsafe", pass(), unsafe(), false, false},
		{"baseline alone, short", short(), nil, false, false},
		{"baseline alone, passes", pass(), nil, true, false},
		{"nothing ran", nil, nil, false, false},
	} {
		rep := &Report{Baseline: tc.baseline, Peerd: tc.peerd}
		if got := rep.OK(); got != tc.ok {
			t.Errorf("%s: OK = %v, want %v", tc.name, got, tc.ok)
		}
		var b strings.Builder
		if err := rep.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if want := map[bool]string{true: "RESULT: PASS", false: "RESULT: FAIL"}[tc.ok]; !strings.Contains(out, want) {
			t.Errorf("%s: report lacks %q", tc.name, want)
		}
		if got := strings.Contains(out, "the baseline did not deliver everything"); got != tc.baselineNote {
			t.Errorf("%s: baseline note shown = %v, want %v", tc.name, got, tc.baselineNote)
		}
	}
}
