//go:build race

package p2pcollab

const raceEnabled = true
