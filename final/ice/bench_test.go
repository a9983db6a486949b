package ice

import (
	"testing"

	"nutsandbolts/final/stun"
)

// BenchmarkCheck measures one authenticated connectivity check per op:
// decode, FINGERPRINT, MESSAGE-INTEGRITY, and the encoded success response
// with its own MESSAGE-INTEGRITY and FINGERPRINT. The baseline is the bare
// stun decode and checks of the same request, so the difference is what
// the agent adds (mostly the HMAC and CRC of the response).
func BenchmarkCheck(b *testing.B) {
	req := chk().build(b)

	b.Run("agent.Handle", func(b *testing.B) {
		a := newTestAgent(b)
		b.ReportAllocs()
		for b.Loop() {
			if err := a.Handle(t0, addrA, req); err != nil {
				b.Fatal(err)
			}
			for {
				if _, ok := a.PollTransmit(); !ok {
					break
				}
			}
			for {
				if _, ok := a.PollEvent(); !ok {
					break
				}
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
	})

	b.Run("baseline/stun.Unmarshal+CheckFingerprint+CheckIntegrity", func(b *testing.B) {
		var m stun.Message
		key := stun.ShortTermKey(ours.Pwd)
		b.ReportAllocs()
		for b.Loop() {
			if err := m.Unmarshal(req); err != nil {
				b.Fatal(err)
			}
			if err := m.CheckFingerprint(); err != nil {
				b.Fatal(err)
			}
			if err := m.CheckIntegrity(key); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "checks/s")
	})
}
