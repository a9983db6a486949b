// Package config holds the server's settings: defaults embedded from
// defaults.yaml, then an optional YAML file (-config FILE), then flags.
// Nothing needs configuring to run on localhost.
package config

import (
	"bytes"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"nutsandbolts/final/srtp"
)

//go:embed defaults.yaml
var defaults []byte

// Config is every setting of the server.
type Config struct {
	HTTP             string        `yaml:"http"`              // listen address of the page and WebSocket
	UDP              int           `yaml:"udp"`               // the one UDP port for media
	STUN             string        `yaml:"stun"`              // STUN server to learn our public address from, or ""
	PublicIP         string        `yaml:"public_ip"`         // our public address, advertised as a candidate, or ""
	MTU              int           `yaml:"mtu"`               // largest datagram we send
	UDPReadBuffer    int           `yaml:"udp_read_buffer"`   // receive buffer of the UDP socket, in bytes
	Trace            bool          `yaml:"trace"`             // log every datagram received and sent
	SRTPProfiles     []string      `yaml:"srtp_profiles"`     // SRTP protection profiles in our order of preference
	Out              string        `yaml:"out"`               // folder for the received video (and, from step 7, the JPEG files)
	KeyframeInterval time.Duration `yaml:"keyframe_interval"` // ask for a keyframe this often; 0: only when needed
	JPEGQuality      int           `yaml:"jpeg_quality"`      // 1–100, image/jpeg
	MaxJPEGs         int           `yaml:"max_jpegs"`         // JPEG files one run writes at most; 0 for no cap
	Log              string        `yaml:"log"`               // log level name
	Signaling        Signaling     `yaml:"signaling"`         // WebSocket limits
}

// Signaling limits what a browser may do over the WebSocket.
type Signaling struct {
	MaxMessageBytes       int           `yaml:"max_message_bytes"`        // larger messages are refused
	MaxSessions           int           `yaml:"max_sessions"`             // concurrent WebSockets
	MaxSessionsPerAddress int           `yaml:"max_sessions_per_address"` // concurrent WebSockets from one IP address (IPv6: one /64)
	AnswerTimeout         time.Duration `yaml:"answer_timeout"`           // a session with no accepted answer by then is closed
	AllowedOrigins        []string      `yaml:"allowed_origins"`          // besides same-origin
	AllowedHosts          []string      `yaml:"allowed_hosts"`            // Host names served besides localhost, this machine's name and IP addresses
}

// Default returns the embedded defaults.
func Default() *Config {
	c, err := decode(defaults, &Config{})
	if err != nil {
		panic("config: embedded defaults.yaml: " + err.Error()) // invariant: the embedded file is tested
	}
	return c
}

// Load builds the configuration from the command line: defaults, then the
// file named by -config, then the flags that were given.
func Load(args []string, stderr io.Writer) (*Config, error) {
	c := Default()
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("config", "", "YAML file with settings (see config/defaults.yaml)")
	httpAddr := fs.String("http", c.HTTP, "HTTP `address` for the page and the WebSocket")
	udp := fs.Int("udp", c.UDP, "UDP `port` for media")
	stunServer := fs.String("stun", c.STUN, "STUN server `host:port` to learn the public address from (default: none)")
	publicIP := fs.String("public-ip", c.PublicIP, "this server's public IP `address`, advertised as an ICE candidate")
	mtu := fs.Int("mtu", c.MTU, "largest UDP datagram to send, in `bytes`")
	readBuffer := fs.Int("udp-read-buffer", c.UDPReadBuffer, "receive buffer of the UDP socket, in `bytes`")
	trace := fs.Bool("trace", c.Trace, "log every UDP datagram received and sent, with a short hexdump")
	out := fs.String("out", c.Out, "`folder` for the received video")
	keyframes := fs.Duration("keyframe-interval", c.KeyframeInterval, "ask the browser for a keyframe this often (0: only when needed)")
	quality := fs.Int("jpeg-quality", c.JPEGQuality, "JPEG `quality`, 1–100")
	maxJPEGs := fs.Int("max-jpegs", c.MaxJPEGs, "JPEG files one run writes at most (0: no cap)")
	profiles := fs.String("srtp-profiles", strings.Join(c.SRTPProfiles, ","), "SRTP protection `profiles` in order of preference, comma-separated")
	level := fs.String("log", c.Log, "log `level`: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		if c, err = decode(b, c); err != nil {
			return nil, fmt.Errorf("config: %s: %w", *file, err)
		}
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "http":
			c.HTTP = *httpAddr
		case "udp":
			c.UDP = *udp
		case "stun":
			c.STUN = *stunServer
		case "public-ip":
			c.PublicIP = *publicIP
		case "mtu":
			c.MTU = *mtu
		case "udp-read-buffer":
			c.UDPReadBuffer = *readBuffer
		case "trace":
			c.Trace = *trace
		case "out":
			c.Out = *out
		case "keyframe-interval":
			c.KeyframeInterval = *keyframes
		case "jpeg-quality":
			c.JPEGQuality = *quality
		case "max-jpegs":
			c.MaxJPEGs = *maxJPEGs
		case "srtp-profiles":
			c.SRTPProfiles = strings.Split(*profiles, ",")
		case "log":
			c.Log = *level
		}
	})
	return c, c.Check()
}

// decode reads YAML over c, refusing unknown keys so a typo is not silently ignored.
func decode(b []byte, c *Config) (*Config, error) {
	d := yaml.NewDecoder(bytes.NewReader(b))
	d.KnownFields(true)
	if err := d.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return c, nil
}

// Check reports the first setting that cannot work.
func (c *Config) Check() error {
	switch {
	case c.HTTP == "":
		return errors.New("config: http: empty address")
	case c.UDP < 0 || c.UDP > 65535:
		return fmt.Errorf("config: udp: port %d out of range", c.UDP)
	case c.Signaling.MaxMessageBytes < 1024:
		return fmt.Errorf("config: signaling.max_message_bytes: %d is too small for an SDP", c.Signaling.MaxMessageBytes)
	case c.MTU < 256 || c.MTU > 65507:
		return fmt.Errorf("config: mtu: %d is not between 256 and 65507", c.MTU)
	case c.UDPReadBuffer < 0:
		return fmt.Errorf("config: udp_read_buffer: %d is negative", c.UDPReadBuffer)
	case c.Signaling.MaxSessions < 1:
		return fmt.Errorf("config: signaling.max_sessions: %d", c.Signaling.MaxSessions)
	case c.Signaling.MaxSessionsPerAddress < 1:
		return fmt.Errorf("config: signaling.max_sessions_per_address: %d", c.Signaling.MaxSessionsPerAddress)
	case c.Signaling.AnswerTimeout <= 0:
		return fmt.Errorf("config: signaling.answer_timeout: %v: want a positive duration such as 15s", c.Signaling.AnswerTimeout)
	}
	for _, h := range c.Signaling.AllowedHosts {
		if h == "" || strings.ContainsAny(h, ":/ []") {
			return fmt.Errorf("config: signaling.allowed_hosts: %q: want a host name without scheme or port, or \"*\"", h)
		}
	}
	if c.PublicIP != "" {
		if _, err := netip.ParseAddr(c.PublicIP); err != nil {
			return fmt.Errorf("config: public_ip: %w", err)
		}
	}
	if c.Out == "" {
		return errors.New("config: out: empty folder name")
	}
	if c.KeyframeInterval < 0 {
		return fmt.Errorf("config: keyframe_interval: %v is negative", c.KeyframeInterval)
	}
	if c.JPEGQuality < 1 || c.JPEGQuality > 100 {
		return fmt.Errorf("config: jpeg_quality: %d is not between 1 and 100", c.JPEGQuality)
	}
	if c.MaxJPEGs < 0 {
		return fmt.Errorf("config: max_jpegs: %d is negative", c.MaxJPEGs)
	}
	if len(c.SRTPProfiles) == 0 {
		return errors.New("config: srtp_profiles: empty")
	}
	for _, name := range c.SRTPProfiles {
		if _, ok := srtp.ParseProfile(strings.TrimSpace(name)); !ok {
			return fmt.Errorf("config: srtp_profiles: unknown profile %q", name)
		}
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.Log)); err != nil {
		return fmt.Errorf("config: log: %w", err)
	}
	return nil
}

// Level is the log level named by c.Log.
func (c *Config) Level() slog.Level {
	var l slog.Level
	_ = l.UnmarshalText([]byte(c.Log)) // checked by Check
	return l
}
