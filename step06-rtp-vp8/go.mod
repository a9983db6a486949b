module nutsandbolts/step06-rtp-vp8

go 1.25

require (
	github.com/gorilla/websocket v1.5.3
	gopkg.in/yaml.v3 v3.0.1
)
