package p2pcollab

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkSetObject measures SetObject through the in-process Node, with
// one event registration attached (as the daemon always has watchers).
func BenchmarkSetObject(b *testing.B) {
	for _, size := range []int{1 << 10, MaxObjectSize} {
		b.Run(fmt.Sprintf("%dB", size), func(b *testing.B) {
			ctx := context.Background()
			n := newBenchNode(b)
			ev, _ := n.Events(ctx, EventFilter{})
			defer ev.Close()
			go func() {
				for {
					if _, err := ev.Next(ctx); err != nil {
						return
					}
				}
			}()
			n.SignIn(ctx, ScopeAll)
			s, _ := n.OpenSession(ctx, "bench")
			data := make([]byte, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				if err := s.SetObject(ctx, nthID(i%MaxObjects+1), data, ScopeAll); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
