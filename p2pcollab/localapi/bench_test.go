package localapi

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/peerd/peerd/p2pcollab"
)

// BenchmarkSetObjectSocket measures one application's SetObject through
// the socket, one call at a time: ns/op is the round trip, and p50/p99
// are reported from every call's own duration.
func BenchmarkSetObjectSocket(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"1KiB", 1 << 10}, {"16KiB", p2pcollab.MaxObjectSize}} {
		b.Run(size.name, func(b *testing.B) {
			d, _ := serveNode(b)
			d.signIn(b)
			s, _ := d.session(b)
			data := make([]byte, size.n)
			id := uuid.New()
			ctx := b.Context()
			times := make([]time.Duration, 0, b.N)
			b.SetBytes(int64(size.n))
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				data[0] = byte(i)
				start := time.Now()
				if err := s.SetObject(ctx, id, data, p2pcollab.ScopeAll); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
		})
	}
}

// BenchmarkSetObjectSocketParallel measures throughput with one session
// per goroutine, as with many applications.
func BenchmarkSetObjectSocketParallel(b *testing.B) {
	d, _ := serveNode(b)
	d.signIn(b)
	data := make([]byte, 1<<10)
	b.SetBytes(int64(len(data)))
	b.RunParallel(func(pb *testing.PB) {
		s, err := d.client.OpenSession(b.Context(), "bench")
		if err != nil {
			b.Error(err)
			return
		}
		defer s.Close()
		id := uuid.New()
		for pb.Next() {
			if err := s.SetObject(b.Context(), id, data, p2pcollab.ScopeAll); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
