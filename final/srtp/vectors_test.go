package srtp

// Known-answer tests: RFC 3711 Appendix B.2 and B.3, RFC 7714 §16 and §17,
// and a real SRTP_AES128_CM_HMAC_SHA1_80 packet from which the _32 vector
// is built.

import (
	"bytes"
	"crypto/aes"
	"testing"
)

// RFC 3711 Appendix B.2: the AES-CM keystream, session key and "already
// shifted" salt given, SSRC 0 and index 0, 65282 blocks long.
func TestRFC3711AESCMKeystream(t *testing.T) {
	for _, tc := range []struct {
		name string
		max  int // blockwiseCTRMax during the test
	}{{"cipher.NewCTR", 0}, {"blockwise", 1 << 21}} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(m int) { blockwiseCTRMax = m }(blockwiseCTRMax)
			blockwiseCTRMax = tc.max
			tr, err := newTransform(AES128_CM_HMAC_SHA1_80, unhex(t, "2B7E151628AED2A6ABF7158809CF4F3C"), make([]byte, 20),
				unhex(t, "F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), 10)
			if err != nil {
				t.Fatal(err)
			}
			tr.setIV(0, 0)
			if want := unhex(t, "F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"); !bytes.Equal(tr.iv[:], want) {
				t.Fatalf("IV %x, want %x", tr.iv, want)
			}
			ks := make([]byte, 65282*aes.BlockSize) // the keystream is the XOR of zeros
			tr.xorKeyStream(ks)
			for _, v := range []struct {
				block int
				want  string
			}{
				{0x0000, "E03EAD0935C95E80E166B16DD92B4EB4"},
				{0x0001, "D23513162B02D0F72A43A2FE4A5F97AB"},
				{0x0002, "41E95B3BB0A2E8DD477901E4FCA894C0"},
				{0xfeff, "EC8CDF7398607CB0F2D21675EA9EA1E4"},
				{0xff00, "362B7C3C6773516318A077D7FC5073AE"},
				{0xff01, "6A2CC3787889374FBEB4C81B17BA6C44"},
			} {
				got := ks[v.block*aes.BlockSize:][:aes.BlockSize]
				if want := unhex(t, v.want); !bytes.Equal(got, want) {
					t.Errorf("keystream block %#04x = %X, want %X", v.block, got, want)
				}
			}
		})
	}
}

// RFC 3711 Appendix B.3: the key derivation, labels 0x00, 0x01, 0x02.
func TestRFC3711KeyDerivation(t *testing.T) {
	master := MasterKey{Key: unhex(t, "E1F97A0D3E018BE0D64FA32C06DE4139"), Salt: unhex(t, "0EC675AD498AFEEBB6960B3AABE6")}
	block, _ := aes.NewCipher(master.Key)
	wantKey := unhex(t, "C61E7A93744F39EE10734AFE3FF7A087")
	wantSalt := unhex(t, "30CBBC08863D8C85D49DB34A9AE1")
	// The RFC derives 94 bytes of authentication key to show six blocks.
	wantAuth := unhex(t, `CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE
		E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25
		6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2`)
	if got := prf(block, master.Salt, labelSRTPEncryption, 16); !bytes.Equal(got, wantKey) {
		t.Errorf("cipher key %X, want %X", got, wantKey)
	}
	if got := prf(block, master.Salt, labelSRTPSalt, 14); !bytes.Equal(got, wantSalt) {
		t.Errorf("cipher salt %X, want %X", got, wantSalt)
	}
	if got := prf(block, master.Salt, labelSRTPAuth, 94); !bytes.Equal(got, wantAuth) {
		t.Errorf("auth key %X, want %X", got, wantAuth)
	}
	// The same through the Context's derivation, which keeps 160 bits.
	k, err := deriveSessionKeys(AES128_CM_HMAC_SHA1_80, master)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k.rtpKey, wantKey) || !bytes.Equal(k.rtpSalt, wantSalt) || !bytes.Equal(k.rtpAuth, wantAuth[:20]) {
		t.Errorf("deriveSessionKeys = %X %X %X", k.rtpKey, k.rtpSalt, k.rtpAuth)
	}
}

// RFC 7714 §16 and §17 use the session key and salt directly.
var (
	rfc7714Key128 = "000102030405060708090a0b0c0d0e0f"
	rfc7714Key256 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	rfc7714Salt   = "517569642070726f2071756f" // "Quid pro quo"

	// §16: a 12-byte header and "Gallia est omnis divisa in partes tres".
	rfc7714RTP = `8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973
		20646976 69736120 696e2070 61727465 73207472 6573`
	rfc7714SRTP128 = `8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca
		be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1
		6a9152cf 765ee439 0cce` // §16.1.1, §16.1.2
	rfc7714SRTP256 = `8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa
		b1801238 9a58e2f3 b50b2a02 76ffae0f 1ba63799 b87b7aa3 db36dfff
		d6b0f9bb 7878d7a7 6c13` // §16.2.1, §16.2.2

	// §17: an SR + SDES, sender SSRC 4d617273 ("Mars"), SRTCP index 0x5d4.
	rfc7714RTCP = `81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930
		4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef`
	rfc7714SRTCP128 = `81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7
		6c06f32d c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458
		96cf4d2f c5abf872 45d9eade 800005d4` // §17.1
	rfc7714SRTCP256 = `81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d
		bffe0a50 a2eaa5c1 110555be 8415f658 c61de047 6f1b6fad 1d1eb30c
		4446839f 57ff6f6c b26ac3be 800005d4` // §17.2
	rfc7714SRTCPTagged128 = `81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930
		4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968
		3dd78ec9 2ae58790 125f62b3 000005d4` // §17.3, E=0
	rfc7714SRTCPTagged256 = `81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930
		4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef 91db4afb
		feee5a97 8fab4393 ed2615fe 000005d4` // §17.4, E=0
)

func rfc7714Context(t *testing.T, p Profile) *Context {
	t.Helper()
	key := rfc7714Key128
	if p == AEAD_AES_256_GCM {
		key = rfc7714Key256
	}
	k, s := unhex(t, key), unhex(t, rfc7714Salt)
	c, err := newContextFromSessionKeys(p, sessionKeys{rtpKey: k, rtpSalt: s, rtcpKey: k, rtcpSalt: s})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// RFC 7714 §16.1.1, §16.1.2, §16.2.1, §16.2.2: SRTP encryption and
// decryption, ROC 0, SEQ 0xf17b.
func TestRFC7714SRTP(t *testing.T) {
	for _, tc := range []struct {
		p    Profile
		srtp string
	}{{AEAD_AES_128_GCM, rfc7714SRTP128}, {AEAD_AES_256_GCM, rfc7714SRTP256}} {
		t.Run(tc.p.String(), func(t *testing.T) {
			plain, want := unhex(t, rfc7714RTP), unhex(t, tc.srtp)
			c := rfc7714Context(t, tc.p)
			c.rtp.setIV(0x5501a0b2, 0xf17b)
			if iv := unhex(t, "51753c6580c2726f20718414"); !bytes.Equal(c.rtp.iv[:gcmIVLen], iv) {
				t.Errorf("IV %x, want %x", c.rtp.iv[:gcmIVLen], iv)
			}
			got, err := c.EncryptRTP(nil, plain)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("encrypt: %v\n got %x\nwant %x", err, got, want)
			}
			got, err = rfc7714Context(t, tc.p).DecryptRTP(want)
			if err != nil || !bytes.Equal(got, plain) {
				t.Errorf("decrypt: %v\n got %x\nwant %x", err, got, plain)
			}
		})
	}
}

// RFC 7714 §16.1.3, §16.1.4, §16.2.3, §16.2.4: "Authentication Tagging".
// SRTP with AES-GCM is always encrypted (§8.2), so the package has no
// tag-only SRTP; the vectors still check the IV and the AEAD keying.
func TestRFC7714SRTPTagOnly(t *testing.T) {
	for _, tc := range []struct {
		p   Profile
		tag string
	}{{AEAD_AES_128_GCM, "22493f82 d2bce397 e9d79e3b 19aa4216"}, {AEAD_AES_256_GCM, "a866d591 0f887463 067ceefe c45215d4"}} {
		c := rfc7714Context(t, tc.p)
		c.rtp.setIV(0x5501a0b2, 0xf17b)
		if got, want := c.rtp.aead.Seal(nil, c.rtp.iv[:gcmIVLen], nil, unhex(t, rfc7714RTP)), unhex(t, tc.tag); !bytes.Equal(got, want) {
			t.Errorf("%v: tag %x, want %x", tc.p, got, want)
		}
	}
}

// RFC 7714 §17.1-§17.4: SRTCP encrypted (E=1) and tagged only (E=0), each
// encrypted and decrypted with both key sizes. The RFC gives one
// direction per key size; the other is checked by the round trip.
func TestRFC7714SRTCP(t *testing.T) {
	for _, tc := range []struct {
		name    string
		p       Profile
		encrypt bool
		srtcp   string
	}{
		{"17.1 AES-128 E=1", AEAD_AES_128_GCM, true, rfc7714SRTCP128},
		{"17.2 AES-256 E=1", AEAD_AES_256_GCM, true, rfc7714SRTCP256},
		{"17.3 AES-128 E=0", AEAD_AES_128_GCM, false, rfc7714SRTCPTagged128},
		{"17.4 AES-256 E=0", AEAD_AES_256_GCM, false, rfc7714SRTCPTagged256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain, want := unhex(t, rfc7714RTCP), unhex(t, tc.srtcp)
			c := rfc7714Context(t, tc.p)
			c.rtcpOut.add(0x4d617273, 0x5d4) // the sender is at index 0x5d4
			c.rtcp.setIV(0x4d617273, 0x5d4)
			if iv := unhex(t, "517524055203726f207170bb"); !bytes.Equal(c.rtcp.iv[:gcmIVLen], iv) {
				t.Errorf("IV %x, want %x", c.rtcp.iv[:gcmIVLen], iv)
			}
			got, e := c.encryptRTCP(nil, plain, tc.encrypt)
			if e != 0 || !bytes.Equal(got, want) {
				t.Errorf("encrypt: %v\n got %x\nwant %x", e, got, want)
			}
			got, err := rfc7714Context(t, tc.p).DecryptRTCP(bytes.Clone(want))
			if err != nil || !bytes.Equal(got, plain) {
				t.Errorf("decrypt: %v\n got %x\nwant %x", err, got, plain)
			}
		})
	}
}

// A real SRTP_AES128_CM_HMAC_SHA1_80 session (shared/captures/
// chromium-aes128cm80): its first RTX packet, padding only, and pion's
// first PLI, typed in so the test runs without the captures. The _32
// vectors are built from them as RFC 5764 §4.1.2 says: the same keys and
// computation, the SRTP tag cut to its first 4 bytes, the SRTCP tag
// unchanged.
const (
	cm80ClientKey  = "2e274df8b4e1a1eddf22eeadfb12aed3"
	cm80ClientSalt = "9b54132872aab16691e101b6ec6b"
	cm80ServerKey  = "6dbf2fcefd8c94f111172e84d20d6be3"
	cm80ServerSalt = "768391d36b49d34643ec4e7566c2"
	// Datagram 20, browser to server: header with extension (24 bytes),
	// 255 bytes of encrypted RTP padding, 10-byte tag.
	cm80SRTP = `b0617c8b00000000958c44bebede00021030410001000000e9e1022511acf91e
		f87ed8f2263581978878c9ed6f8966e6d6d06b6bd63a3a8022961ed2edb2e747b48e359c
		eb9e635368a3ac027098c99c16d1cd13665c6eddc7a983c92614ddba27030bd6d2b7d83c
		4402badbf97d515d3f97eb8f3631eb643ce183fc022a0d728ebacc07ab285720921c43f3
		b41634cdcf972822f0c086a863363a4a4b5cf40e8f7533551f3b3636ca58203a5543c8f1
		110490958502fb8d100ae6f85d35837fef87fe54a9a9b00de467f49823c76191d274a18d
		1896b59d82fef2a88b12ff5b0641d5d945f745e907b64c1550bfd122a5fd8431dd24dfd4
		0072b7e212cf646a6a168b888943dc474bf6e901630ee8268ffd5778894f98bec633e85b
		a612e9267d`
	// Datagram 22, server to browser: PLI, E=1, index 1, 10-byte tag.
	cm80SRTCP = "81ce000200000000bc4f0dd3 80000001 a43fb1baa53a542d970f"
	cm80PLI   = "81ce0002 00000000 445c8bb6" // media SSRC 1146915766
)

func TestCMHMACVectors(t *testing.T) {
	srtp80 := unhex(t, cm80SRTP)
	// The plaintext: the header, then RTP padding (RFC 3550 §5.1) of 254
	// zero bytes and the count 255.
	plain := append(bytes.Clone(srtp80[:24]), make([]byte, 254)...)
	plain = append(plain, 255)
	srtp32 := append(bytes.Clone(srtp80[:len(srtp80)-10]), srtp80[len(srtp80)-10:][:4]...)
	srtcp := unhex(t, cm80SRTCP)
	client := MasterKey{Key: unhex(t, cm80ClientKey), Salt: unhex(t, cm80ClientSalt)}
	server := MasterKey{Key: unhex(t, cm80ServerKey), Salt: unhex(t, cm80ServerSalt)}

	for _, tc := range []struct {
		p    Profile
		srtp []byte
	}{{AES128_CM_HMAC_SHA1_80, srtp80}, {AES128_CM_HMAC_SHA1_32, srtp32}} {
		t.Run(tc.p.String(), func(t *testing.T) {
			in, _ := NewContext(tc.p, client)
			got, err := in.DecryptRTP(bytes.Clone(tc.srtp))
			if err != nil || !bytes.Equal(got, plain) {
				t.Errorf("DecryptRTP: %v\n got %x\nwant %x", err, got, plain)
			}
			sender, _ := NewContext(tc.p, client)
			if got, err := sender.EncryptRTP(nil, plain); err != nil || !bytes.Equal(got, tc.srtp) {
				t.Errorf("EncryptRTP: %v\n got %x\nwant %x", err, got, tc.srtp)
			}

			out, _ := NewContext(tc.p, server)
			got, err = out.DecryptRTCP(bytes.Clone(srtcp))
			if want := unhex(t, cm80PLI); err != nil || !bytes.Equal(got, want) {
				t.Errorf("DecryptRTCP: %v\n got %x\nwant %x", err, got, want)
			}
			ours, _ := NewContext(tc.p, server)
			ours.rtcpOut.add(0, 1) // pion counts from 1
			if got, err := ours.EncryptRTCP(nil, unhex(t, cm80PLI)); err != nil || !bytes.Equal(got, srtcp) {
				t.Errorf("EncryptRTCP: %v\n got %x\nwant %x", err, got, srtcp)
			}
		})
	}
}

// TestCM80Explained walks the chromium-aes128cm80 session from the
// exporter's output to its first decrypted packet, printing each value
// (go test -run TestCM80Explained -v ./srtp/) for docs/05-srtp.md. The
// session keys are the capture report's known answers, typed in.
func TestCM80Explained(t *testing.T) {
	p := AES128_CM_HMAC_SHA1_80
	// PRF(master_secret, "EXTRACTOR-dtls_srtp", client_random || server_random), 60 bytes.
	material := unhex(t, cm80ClientKey+cm80ServerKey+cm80ClientSalt+cm80ServerSalt)
	t.Logf("exporter output (%d bytes) %x", len(material), material)
	client, server, err := SplitKeyingMaterial(p, material)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("client master key %x salt %x", client.Key, client.Salt)
	t.Logf("server master key %x salt %x", server.Key, server.Salt)

	block, _ := aes.NewCipher(client.Key)
	for _, l := range []struct {
		label byte
		n     int
		want  string
	}{
		{labelSRTPEncryption, 16, "826dd3178b3990af981ed13484e78402"},
		{labelSRTPAuth, 20, "e4d07230a3dfea3c441512a5fa87357eff35079e"},
		{labelSRTPSalt, 14, "3b55addbf01c2e79ee6d3ed5636c"},
		{labelSRTCPEncryption, 16, "ccad5fa282d163f1c275eb6248d855c0"},
		{labelSRTCPAuth, 20, "86a9d083dd3b5b24334b32932294a1637a5ffc02"},
		{labelSRTCPSalt, 14, "63bd29e181b1b850d0992321b7df"},
	} {
		var x [aes.BlockSize]byte
		copy(x[:], client.Salt)
		x[7] ^= l.label
		got := prf(block, client.Salt, l.label, l.n)
		t.Logf("label 0x%02x: AES input %x -> %x", l.label, x, got)
		if want := unhex(t, l.want); !bytes.Equal(got, want) {
			t.Errorf("label 0x%02x: %x, want %x", l.label, got, want)
		}
	}

	in, _ := NewContext(p, client)
	pkt := unhex(t, cm80SRTP)
	hdr, _ := rtpHeaderLen(pkt)
	end := len(pkt) - p.TagLen()
	t.Logf("datagram 20: %d bytes: header %x, encrypted %d bytes, tag %x", len(pkt), pkt[:hdr], end-hdr, pkt[end:])
	in.rtp.setIV(rtpSSRC(pkt), uint64(rtpSeq(pkt)))
	t.Logf("IV %x", in.rtp.iv)
	plain, err := in.DecryptRTP(bytes.Clone(pkt))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("decrypted payload: %x … %x", plain[hdr:hdr+8], plain[len(plain)-8:])
}
