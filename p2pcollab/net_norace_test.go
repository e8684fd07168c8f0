//go:build !race

package p2pcollab

const raceEnabled = false
