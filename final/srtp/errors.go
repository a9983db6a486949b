package srtp

// Why packets are refused, and the counters of a Context.
//
// RFC 3711 §3.3 step 4: a packet judged replayed "MUST be discarded, and
// the event SHOULD be logged"; a failed tag check returns the error audit
// message "AUTHENTICATION FAILURE" (§4.2). Every refusal here has its own
// reason, and each Context counts them, so the program can log one line
// per reason instead of one per packet.

import (
	"fmt"
	"strings"
)

// Error is the reason a packet was refused. The values are comparable
// sentinels (errors.Is(err, srtp.ErrReplayed) or err == srtp.ErrReplayed)
// and returning one allocates nothing, so a flood of bad packets makes no
// garbage.
type Error uint8

// The reasons. Nothing is decrypted, and no state changes, when a packet
// is refused.
const (
	// ErrTooShort: shorter than its RTP header (12 bytes, CSRCs,
	// extension) or its RTCP header, plus the SRTCP index and the tag.
	ErrTooShort Error = iota + 1
	// ErrMalformed: not an RTP or RTCP version 2 packet (RFC 3550 §5.1).
	ErrMalformed
	// ErrAuthFailed: the tag did not verify, RFC 3711 §4.2's
	// "AUTHENTICATION FAILURE": forged, corrupted, or the wrong keys.
	ErrAuthFailed
	// ErrReplayed: an index already received and authenticated
	// (RFC 3711 §3.3.2): a duplicate or a replay.
	ErrReplayed
	// ErrTooOld: an index left of the replay window, or one that would
	// come from before the stream began.
	ErrTooOld
	// ErrTooManySSRCs: a new SSRC while the Context already holds
	// MaxSSRCs of that kind.
	ErrTooManySSRCs
	// ErrIndexReused: EncryptRTP was given an SSRC and sequence number
	// (after ROC estimation) not beyond the last one it protected; its
	// IV would repeat (RFC 7714 §8.4).
	ErrIndexReused
	// ErrKeyExhausted: 2^48 SRTP or 2^31 SRTCP packets were protected
	// with this key (RFC 3711 §3.3.1, §9.2); DTLS must agree on a new one.
	ErrKeyExhausted

	numErrors // size of the counter arrays; Error(0) is never returned
)

var errorText = [numErrors]string{
	ErrTooShort:     "packet too short",
	ErrMalformed:    "not RTP/RTCP version 2",
	ErrAuthFailed:   "authentication failed",
	ErrReplayed:     "replayed packet",
	ErrTooOld:       "packet index too old for the replay window",
	ErrTooManySSRCs: "too many SSRCs",
	ErrIndexReused:  "packet index already protected",
	ErrKeyExhausted: "packet index limit reached: new keys needed",
}

// errorName is the reason's short name, for counters.
var errorName = [numErrors]string{
	ErrTooShort:     "too_short",
	ErrMalformed:    "malformed",
	ErrAuthFailed:   "auth_failed",
	ErrReplayed:     "replayed",
	ErrTooOld:       "too_old",
	ErrTooManySSRCs: "too_many_ssrcs",
	ErrIndexReused:  "index_reused",
	ErrKeyExhausted: "key_exhausted",
}

func (e Error) Error() string {
	if e == 0 || e >= numErrors {
		return fmt.Sprintf("srtp: error %d", uint8(e))
	}
	return "srtp: " + errorText[e]
}

// Name is a short identifier of the reason, such as "auth_failed".
func (e Error) Name() string {
	if e == 0 || e >= numErrors {
		return fmt.Sprintf("error_%d", uint8(e))
	}
	return errorName[e]
}

// Stats counts what a Context did. Dropped arrays are indexed by Error,
// e.g. s.RTPDropped[srtp.ErrReplayed].
type Stats struct {
	RTPDecrypted  uint64 // SRTP packets authenticated and decrypted
	RTCPDecrypted uint64 // SRTCP packets authenticated (and decrypted)
	RTPEncrypted  uint64 // RTP packets protected
	RTCPEncrypted uint64 // RTCP packets protected

	RTPDropped  [numErrors]uint64 // SRTP/RTP packets refused, per reason
	RTCPDropped [numErrors]uint64 // SRTCP/RTCP packets refused, per reason
}

// String summarises the counters in one line, reasons with a zero count
// left out: "rtp in 235, rtcp in 4, rtp out 0, rtcp out 0, dropped rtp
// auth_failed=1".
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "rtp in %d, rtcp in %d, rtp out %d, rtcp out %d",
		s.RTPDecrypted, s.RTCPDecrypted, s.RTPEncrypted, s.RTCPEncrypted)
	for _, d := range []struct {
		kind string
		n    *[numErrors]uint64
	}{{"rtp", &s.RTPDropped}, {"rtcp", &s.RTCPDropped}} {
		first := true
		for e := Error(1); e < numErrors; e++ {
			if d.n[e] == 0 {
				continue
			}
			if first {
				fmt.Fprintf(&b, ", dropped %s", d.kind)
				first = false
			}
			fmt.Fprintf(&b, " %s=%d", e.Name(), d.n[e])
		}
	}
	return b.String()
}
