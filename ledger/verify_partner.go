package ledger

import (
	"context"

	"shopbooks/store"
)

// verifyPartners checks DOMAIN.md §7.5 item 6 at the opening and at the end of every
// closed period: the partners' balances on each account kept per partner (1122, 1123,
// 2202, 2203 and their sub-accounts) add up to the account's balance. It names the first
// period end that fails, the account, both amounts and the difference, which is kept
// without a partner (a voucher line or an opening balance without one, or with a partner
// that does not exist). One grouped query over the accounts' summaries; verify's ledger
// check has compared the summaries with the voucher lines.
func verifyPartners(ctx context.Context, tx *store.Tx) (*Error, error) {
	closed, err := lastClosedPeriod(ctx, tx)
	if err != nil {
		return nil, err
	}
	g, err := firstPartnerGap(ctx, tx, closed, true)
	if g == nil || err != nil {
		return nil, err
	}
	args := []any{"account", g.Account, "balance", g.Balance.Format(), "partners", g.Partners.Format(),
		"difference", (g.Balance - g.Partners).Format()}
	if g.Period == "" {
		return refuse(CodeVerifyPartnersOpening, args...), nil
	}
	return refuse(CodeVerifyPartners, append(args, "period", string(g.Period))...), nil
}
