package testnet

import "errors"

func newPeerdDriver(w *World, t *Tracker, wt *wireTracer, dir string) (Driver, error) {
	return nil, errors.New("peerd driver: not yet")
}

func (r *runner) startAdversaries() error { return nil }
func (r *runner) stopAdversaries()        {}
