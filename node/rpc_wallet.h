#pragma once
// Wallet RPCs (Bitcoin Core's names, shapes and error codes) and the raw
// transaction RPCs that build and sign without the wallet
// (createrawtransaction, signrawtransactionwithkey).

#include <string>
#include <vector>

#include "core/address.h"
#include "core/amount.h"
#include "node/node_context.h"
#include "node/rpc_dispatcher.h"
#include "node/wallet/signing.h"

namespace btr::node {

namespace wallet {
class Wallet;
}

// Wallet RPC error codes (Core's src/rpc/protocol.h).
namespace rpc_code {
inline constexpr int kWalletError = -4;
inline constexpr int kWalletInsufficientFunds = -6;
inline constexpr int kWalletUnlockNeeded = -13;
inline constexpr int kWalletPassphraseIncorrect = -14;
inline constexpr int kWalletWrongEncState = -15;
}  // namespace rpc_code

// Core's AmountFromValue for amounts in coins (a JSON number or a numeric
// string, at most 8 decimals); throws RpcException -3.
core::Amount coin_amount_param(const json& value);
// A P2PKH/P2SH address of this network; throws -5 "Invalid address: X".
core::Address address_param(const NodeContext& ctx, const std::string& text);

// Pieces signrawtransactionwithkey and signrawtransactionwithwallet share.
int32_t sighash_param(const json& params, size_t i);       // "ALL", "NONE|ANYONECANPAY", ...
core::Transaction tx_param(const json& params, size_t i);  // -22 "TX decode failed"
// The outputs the inputs spend: `prevtxs` entries first, then the pool and
// the UTXO set (an empty script where unknown).
std::vector<wallet::InputToSign> spent_outputs(NodeContext& ctx, const core::Transaction& tx,
                                               const json* prevtxs);
json sign_result(const core::Transaction& tx, const std::vector<std::string>& errors);

// createrawtransaction and signrawtransactionwithkey: registered with or
// without the wallet, as in Core.
void register_raw_transaction_rpcs(NodeContext& ctx);
void register_wallet_rpcs(NodeContext& ctx, wallet::Wallet& wallet);

}  // namespace btr::node
