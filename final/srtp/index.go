package srtp

// The SRTP packet index and the rollover counter, RFC 3711 §3.3.1 and
// Appendix A.
//
// An RTP sequence number is 16 bits and wraps every 65,536 packets (about
// four minutes of 720p video). SRTP must never reuse a keystream, so it
// numbers packets with a 48-bit index
//
//	i = 2^16 * ROC + SEQ
//
// where the rollover counter ROC counts the wraps. The ROC is never sent:
// the receiver keeps its own ROC and s_l, the highest sequence number
// received, and guesses each packet's ROC as the one of
// { ROC-1, ROC, ROC+1 } that puts i closest to 2^16 * ROC + s_l
// (Appendix A):
//
//	if (s_l < 32,768)
//	   if (SEQ - s_l > 32,768)
//	      set v to (ROC-1) mod 2^32       a late packet from before a wrap
//	   else
//	      set v to ROC
//	   endif
//	else
//	   if (s_l - 32,768 > SEQ)
//	      set v to (ROC+1) mod 2^32       the sequence number wrapped
//	   else
//	      set v to ROC
//	   endif
//	endif
//	return SEQ + v*65,536
//
// A wrong guess cannot be exploited: the index enters the IV and the tag,
// so a packet with a wrong guess fails authentication. Only after it has
// authenticated are ROC and s_l updated ("If v=ROC-1 ... no update ... If
// v=ROC ... s_l is set to SEQ if and only if SEQ is larger ... If v=ROC+1,
// s_l is set to SEQ and ROC is set to v"). Taken together, those rules
// keep ROC || s_l equal to the highest index accepted, which is also the
// top of the replay window; this package stores it once, there.
//
// DTLS-SRTP starts every stream at ROC 0 and the first packet seen sets s_l
// (§3.3.1). Two guesses cannot be right for this session and are refused
// without any cryptography: ROC-1 while ROC is 0 (the packet would come
// from before the stream began, so no sender made it) and ROC+1 beyond
// 2^32-1 (2^48 packets, after which the key "MUST NOT" be used).

const maxIndex = 1<<48 - 1 // RFC 3711 §3.3.1: at most 2^48 packets per key

// estimateIndex returns the index of a packet with sequence number seq,
// given top = ROC || s_l, the highest index accepted so far.
func estimateIndex(top uint64, seq uint16) (uint64, Error) {
	roc, sl := top>>16, int(top&0xffff)
	v := roc
	if sl < 32768 {
		if int(seq)-sl > 32768 {
			if roc == 0 {
				return 0, ErrTooOld
			}
			v = roc - 1
		}
	} else if sl-32768 > int(seq) {
		v = roc + 1
	}
	i := v<<16 | uint64(seq)
	if i > maxIndex {
		return 0, ErrKeyExhausted
	}
	return i, 0
}
