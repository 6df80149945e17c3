package runtime

import (
	"testing"

	"github.com/google/nftables"
)

// Only what is added to our own tables, ip vme50 and netdev vme50, calls
// for a look: a table of another family with the same name is not ours,
// and its churn cost ~4.5 ms a look (an attack review's arp vme50 loop
// took a fifth of a core).
func TestAddsToOurs(t *testing.T) {
	table := func(f nftables.TableFamily, name string) *nftables.Table {
		return &nftables.Table{Family: f, Name: name}
	}
	for _, c := range []struct {
		data any
		want bool
	}{
		{&nftables.Rule{Table: table(nftables.TableFamilyIPv4, nftTableName)}, true},
		{&nftables.Chain{Table: table(nftables.TableFamilyNetdev, nftTableName)}, true},
		{&nftables.Set{Table: table(nftables.TableFamilyIPv4, nftTableName)}, true},
		{table(nftables.TableFamilyNetdev, nftTableName), true},
		{&nftables.Rule{Table: table(nftables.TableFamilyARP, nftTableName)}, false},
		{table(nftables.TableFamilyINet, nftTableName), false},
		{&nftables.Rule{Table: table(nftables.TableFamilyIPv4, "filter")}, false},
		{[]nftables.SetElement{}, false},
	} {
		if got := addsToOurs(&nftables.MonitorEvent{Type: nftables.MonitorEventTypeNewRule, Data: c.data}); got != c.want {
			t.Errorf("addsToOurs(%#v) = %v, want %v", c.data, got, c.want)
		}
	}
}
