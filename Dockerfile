# syntax=docker/dockerfile:1
# The scoring function as a Lambda container image (Node.js 22 base image with the Runtime Interface Emulator built
# in). Build stage: install, bundle with esbuild, stage onnxruntime for ONE Linux architecture. Runtime stage: the
# bundle plus that onnxruntime, nothing else: no dev dependencies, no sources, no credentials, no model (the function
# loads it from S3 by RUN_ID, or from MODEL_LOCATION, e.g. a mounted folder).
#
#   docker build -t wine-quality-scorer .                          # linux/amd64 (Lambda x86_64)
#   docker build --platform linux/arm64 -t wine-quality-scorer .   # Lambda arm64
#
# Adds ≈46 MiB to the base image (measured: bundle 0.7 MiB + source map 1.2 MiB + onnxruntime-node linux-x64 44.1
# MiB); docs/docker-compose.md has the estimate of the whole image and how to measure it.

ARG BUILD_IMAGE=node:22-bookworm-slim
ARG LAMBDA_BASE_IMAGE=public.ecr.aws/lambda/nodejs:22

FROM ${BUILD_IMAGE} AS build
WORKDIR /build
# Dependencies first, cached until the lockfile changes. onnxruntime-node's install script only downloads CUDA
# binaries from outside the npm registry (the CPU runtime ships inside the package). npm >= 11.16 skips it because
# package.json's allowScripts denies it; this image's npm may be older and ignore that field, so the script is also
# told to skip through its own variable (docs/development.md).
COPY package.json package-lock.json .npmrc ./
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/bundle/build.ts scripts/bundle/
COPY model/src/contract.ts model/src/
COPY functions functions/
COPY docker/stage-runtime.cjs docker/
RUN npm run build
# TARGETARCH (amd64 | arm64) is set by BuildKit from --platform; the classic builder leaves it empty (amd64).
ARG TARGETARCH
RUN node docker/stage-runtime.cjs node_modules /runtime/node_modules "${TARGETARCH:-amd64}"

FROM ${LAMBDA_BASE_IMAGE}
COPY --from=build /build/dist/ ${LAMBDA_TASK_ROOT}/
COPY --from=build /runtime/node_modules/ ${LAMBDA_TASK_ROOT}/node_modules/
# Stack traces point into functions/*.ts instead of the minified bundle.
ENV NODE_OPTIONS=--enable-source-maps
CMD ["handler.handler"]
