# syntax=docker/dockerfile:1
# The HTTP gateway (src/Gateway): the REST API, its live events and the web app; an Orleans client of the silos.
# Build from the repository root:  docker build -f deploy/docker/gateway.Dockerfile -t sammpa-gateway .
# Configuration: environment variables as the silos' (Orleans__*, Storage__*, Orleans__AccessKey) plus Gateway__*.

FROM mcr.microsoft.com/dotnet/sdk:10.0.401-noble AS build
WORKDIR /src
# Project files first: the restore layer is reused until a project or the central package versions change.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Grains.Abstractions/Grains.Abstractions.csproj src/Grains.Abstractions/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Imaging/Imaging.csproj src/Imaging/
COPY src/Storage/Storage.csproj src/Storage/
COPY src/Hosting/Hosting.csproj src/Hosting/
COPY src/Gateway/Gateway.csproj src/Gateway/
RUN dotnet restore src/Gateway/Gateway.csproj -r linux-x64
COPY src/ src/
# linux-x64 only: no Windows native libraries.
RUN dotnet publish src/Gateway/Gateway.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /app

# No elastix here (the gateway registers nothing), so the ASP.NET Core image itself is the base: Ubuntu 24.04 with
# the runtime, ca-certificates, OpenSSL and tzdata.
FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble
RUN groupadd --system --gid 10001 sammpa \
    && useradd --system --uid 10001 --gid sammpa --create-home --home-dir /home/sammpa --shell /usr/sbin/nologin sammpa
WORKDIR /app
COPY --from=build /app .
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    ASPNETCORE_HTTP_PORTS=8080
# The API, the web app, /health/live and /health/ready
EXPOSE 8080
USER 10001
ENTRYPOINT ["dotnet", "SamMpa.Gateway.dll"]
