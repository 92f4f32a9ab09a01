#!/bin/bash
# Start bcoin 1.0.2 (npm) full node in regtest, everything on loopback.
# Node JSON-RPC/HTTP: 127.0.0.1:48332 (bcoin's regtest default, not Core's 18443)
# Wallet HTTP:        127.0.0.1:48334
# P2P: not listening, no outbound peers.
# Environment, all optional (tests set them to run several nodes side by side):
#   BCOIN_MODULES      folder holding node_modules/ (install.sh DEST); default: this folder
#   BCOIN_DATA         data folder; default: ./data
#   BCOIN_RPC_PORT     default 48332
#   BCOIN_WALLET_PORT  default 48334
# Extra arguments go to bcoin, e.g. --memory=true --no-wallet=true for a fast throwaway node.
cd "$(dirname "$0")"
modules=${BCOIN_MODULES:-$PWD}
data=${BCOIN_DATA:-$PWD/data}
exec node "$modules/node_modules/bcoin/bin/node" \
  --network=regtest \
  --prefix="$data" \
  --memory=false \
  --workers=false \
  --listen=false \
  --max-outbound=1 --only=127.0.0.1 \
  --upnp=false \
  --http-host=127.0.0.1 --http-port="${BCOIN_RPC_PORT:-48332}" \
  --api-key=rpcpass \
  --wallet-http-host=127.0.0.1 --wallet-http-port="${BCOIN_WALLET_PORT:-48334}" \
  --wallet-api-key=rpcpass --wallet-prefix="$data/regtest" \
  --index-tx=true --index-address=true \
  --log-level=info --log-console=false \
  "$@"
