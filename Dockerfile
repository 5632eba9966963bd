# syntax=docker/dockerfile:1
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ReApi.Client/ReApi.Client.csproj src/ReApi.Client/
COPY src/ReApi.Sandbox/ReApi.Sandbox.csproj src/ReApi.Sandbox/
COPY src/ReApiWeb/ReApiWeb.csproj src/ReApiWeb/
RUN dotnet restore src/ReApiWeb/ReApiWeb.csproj
COPY src/ src/
RUN dotnet publish src/ReApiWeb/ReApiWeb.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Storage__DataDirectory=/data \
    ConnectionStrings__Default="Data Source=/data/reapiweb.db"
# ffmpeg makes the gallery's previews of videos (a frame) and songs (a waveform).
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data && chown "$APP_UID" /data
COPY --from=build /app .
USER $APP_UID
VOLUME /data
EXPOSE 8080
# Readiness (/health: database, migrations, Redis when configured), asked by the app itself: the image has no curl.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["dotnet", "ReApiWeb.dll", "health"]
ENTRYPOINT ["dotnet", "ReApiWeb.dll"]
