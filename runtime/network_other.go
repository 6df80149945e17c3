//go:build !linux

package runtime

// The bridge network needs Linux's network namespaces, veths and nftables.

func (c *Container) disconnectNetwork() error { return nil }

func sweepNetwork() error { return nil }
