package p2pcollab

import (
	"reflect"
	"testing"
)

// TestNetStatsAddSumsEveryField guards Add against a counter added to
// NetStats and forgotten there: every field of a sum of ones must be two.
func TestNetStatsAddSumsEveryField(t *testing.T) {
	var one NetStats
	v := reflect.ValueOf(&one).Elem()
	for i := range v.NumField() {
		v.Field(i).SetUint(1)
	}
	sum := one
	sum.Add(one)
	s := reflect.ValueOf(sum)
	for i := range s.NumField() {
		if got := s.Field(i).Uint(); got != 2 {
			t.Errorf("%s = %d after adding 1 to 1, want 2", s.Type().Field(i).Name, got)
		}
	}
}
