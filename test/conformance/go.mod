module l2stretch/test/conformance

go 1.22

require github.com/vmware/go-vcloud-director/v2 v2.11.0

require (
	github.com/araddon/dateparse v0.0.0-20190622164848-0fb0a474d195 // indirect
	github.com/hashicorp/go-version v1.2.0 // indirect
	github.com/kr/pretty v0.2.0 // indirect
	github.com/kr/text v0.1.0 // indirect
	github.com/peterhellberg/link v1.1.0 // indirect
)
