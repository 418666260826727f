<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gen="http://www.opengis.net/citygml/generics/2.0" xmlns:gml="http://www.opengis.net/gml" xmlns:xAL="urn:oasis:names:tc:ciq:xsdschema:xAL:2.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:uro="http://www.kantei.go.jp/jp/singi/tiiki/toshisaisei/itoshisaisei/iur/uro/1.4">
	<gml:boundedBy>
		<gml:Envelope srsName="http://www.opengis.net/def/crs/EPSG/0/6697" srsDimension="3">
			<gml:lowerCorner>35.6990 139.6360 30.0</gml:lowerCorner>
			<gml:upperCorner>35.7000 139.6375 60.0</gml:upperCorner>
		</gml:Envelope>
	</gml:boundedBy>
	<core:cityObjectMember>
		<bldg:Building gml:id="BLD_14_full">
			<gen:stringAttribute name="建物ID">
				<gen:value>13115-bldg-1</gen:value>
			</gen:stringAttribute>
			<bldg:usage codeSpace="../../codelists/Building_usage.xml">411</bldg:usage>
			<bldg:yearOfConstruction>1975</bldg:yearOfConstruction>
			<bldg:measuredHeight uom="m">7.2</bldg:measuredHeight>
			<bldg:storeysAboveGround>2</bldg:storeysAboveGround>
			<bldg:lod0RoofEdge>
				<gml:MultiSurface>
					<gml:surfaceMember>
						<gml:Polygon>
							<gml:exterior>
								<gml:LinearRing>
									<gml:posList>35.6990000 139.6360000 45.2 35.6990000 139.6361100 45.2 35.6990900 139.6361100 45.2 35.6990900 139.6360000 45.2 35.6990000 139.6360000 45.2</gml:posList>
								</gml:LinearRing>
							</gml:exterior>
						</gml:Polygon>
					</gml:surfaceMember>
				</gml:MultiSurface>
			</bldg:lod0RoofEdge>
			<bldg:lod1Solid>
				<gml:Solid>
					<gml:exterior>
						<gml:CompositeSurface>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6990000 139.6360000 38.0 35.6990000 139.6361100 38.0 35.6990900 139.6361100 38.0 35.6990900 139.6360000 38.0 35.6990000 139.6360000 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6990000 139.6360000 38.0 35.6990000 139.6361100 38.0 35.6990000 139.6361100 45.2 35.6990000 139.6360000 45.2 35.6990000 139.6360000 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6990000 139.6361100 38.0 35.6990900 139.6361100 38.0 35.6990900 139.6361100 45.2 35.6990000 139.6361100 45.2 35.6990000 139.6361100 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6990900 139.6361100 38.0 35.6990900 139.6360000 38.0 35.6990900 139.6360000 45.2 35.6990900 139.6361100 45.2 35.6990900 139.6361100 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6990900 139.6360000 38.0 35.6990000 139.6360000 38.0 35.6990000 139.6360000 45.2 35.6990900 139.6360000 45.2 35.6990900 139.6360000 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6990000 139.6360000 45.2 35.6990000 139.6361100 45.2 35.6990900 139.6361100 45.2 35.6990900 139.6360000 45.2 35.6990000 139.6360000 45.2</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
						</gml:CompositeSurface>
					</gml:exterior>
				</gml:Solid>
			</bldg:lod1Solid>
			<uro:buildingDetails>
				<uro:BuildingDetails>
					<uro:buildingStructureType codeSpace="../../codelists/BuildingDetails_buildingStructureType.xml">601</uro:buildingStructureType>
					<uro:fireproofStructureType codeSpace="../../codelists/BuildingDetails_fireproofStructureType.xml">1003</uro:fireproofStructureType>
					<uro:prefecture codeSpace="../../codelists/Common_prefecture.xml">13</uro:prefecture>
					<uro:city codeSpace="../../codelists/Common_localPublicAuthorities.xml">13115</uro:city>
				</uro:BuildingDetails>
			</uro:buildingDetails>
		</bldg:Building>
	</core:cityObjectMember>
	<core:cityObjectMember>
		<bldg:Building gml:id="BLD_14_missing">
			<gen:stringAttribute name="建物ID">
				<gen:value>13115-bldg-2</gen:value>
			</gen:stringAttribute>
			<bldg:measuredHeight uom="m">15.4</bldg:measuredHeight>
			<bldg:lod0RoofEdge>
				<gml:MultiSurface>
					<gml:surfaceMember>
						<gml:Polygon>
							<gml:exterior>
								<gml:LinearRing>
									<gml:posList>35.6991500 139.6360000 53.4 35.6991500 139.6361100 53.4 35.6992400 139.6361100 53.4 35.6992400 139.6360000 53.4 35.6991500 139.6360000 53.4</gml:posList>
								</gml:LinearRing>
							</gml:exterior>
						</gml:Polygon>
					</gml:surfaceMember>
				</gml:MultiSurface>
			</bldg:lod0RoofEdge>
			<bldg:lod1Solid>
				<gml:Solid>
					<gml:exterior>
						<gml:CompositeSurface>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6991500 139.6360000 38.0 35.6991500 139.6361100 38.0 35.6992400 139.6361100 38.0 35.6992400 139.6360000 38.0 35.6991500 139.6360000 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6991500 139.6360000 38.0 35.6991500 139.6361100 38.0 35.6991500 139.6361100 53.4 35.6991500 139.6360000 53.4 35.6991500 139.6360000 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6991500 139.6361100 38.0 35.6992400 139.6361100 38.0 35.6992400 139.6361100 53.4 35.6991500 139.6361100 53.4 35.6991500 139.6361100 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6992400 139.6361100 38.0 35.6992400 139.6360000 38.0 35.6992400 139.6360000 53.4 35.6992400 139.6361100 53.4 35.6992400 139.6361100 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6992400 139.6360000 38.0 35.6991500 139.6360000 38.0 35.6991500 139.6360000 53.4 35.6992400 139.6360000 53.4 35.6992400 139.6360000 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6991500 139.6360000 53.4 35.6991500 139.6361100 53.4 35.6992400 139.6361100 53.4 35.6992400 139.6360000 53.4 35.6991500 139.6360000 53.4</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
						</gml:CompositeSurface>
					</gml:exterior>
				</gml:Solid>
			</bldg:lod1Solid>
			<uro:buildingDetails>
				<uro:BuildingDetails>
					<uro:prefecture codeSpace="../../codelists/Common_prefecture.xml">13</uro:prefecture>
					<uro:city codeSpace="../../codelists/Common_localPublicAuthorities.xml">13115</uro:city>
				</uro:BuildingDetails>
			</uro:buildingDetails>
		</bldg:Building>
	</core:cityObjectMember>
	<core:cityObjectMember>
		<bldg:Building gml:id="BLD_14_unknown">
			<gen:stringAttribute name="建物ID">
				<gen:value>13115-bldg-3</gen:value>
			</gen:stringAttribute>
			<bldg:usage codeSpace="../../codelists/Building_usage.xml">499</bldg:usage>
			<bldg:measuredHeight uom="m">9.9</bldg:measuredHeight>
			<bldg:lod0RoofEdge>
				<gml:MultiSurface>
					<gml:surfaceMember>
						<gml:Polygon>
							<gml:exterior>
								<gml:LinearRing>
									<gml:posList>35.6993000 139.6360000 47.9 35.6993000 139.6361100 47.9 35.6993900 139.6361100 47.9 35.6993900 139.6360000 47.9 35.6993000 139.6360000 47.9</gml:posList>
								</gml:LinearRing>
							</gml:exterior>
						</gml:Polygon>
					</gml:surfaceMember>
				</gml:MultiSurface>
			</bldg:lod0RoofEdge>
			<bldg:lod1Solid>
				<gml:Solid>
					<gml:exterior>
						<gml:CompositeSurface>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6993000 139.6360000 38.0 35.6993000 139.6361100 38.0 35.6993900 139.6361100 38.0 35.6993900 139.6360000 38.0 35.6993000 139.6360000 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6993000 139.6360000 38.0 35.6993000 139.6361100 38.0 35.6993000 139.6361100 47.9 35.6993000 139.6360000 47.9 35.6993000 139.6360000 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6993000 139.6361100 38.0 35.6993900 139.6361100 38.0 35.6993900 139.6361100 47.9 35.6993000 139.6361100 47.9 35.6993000 139.6361100 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6993900 139.6361100 38.0 35.6993900 139.6360000 38.0 35.6993900 139.6360000 47.9 35.6993900 139.6361100 47.9 35.6993900 139.6361100 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6993900 139.6360000 38.0 35.6993000 139.6360000 38.0 35.6993000 139.6360000 47.9 35.6993900 139.6360000 47.9 35.6993900 139.6360000 38.0</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
							<gml:surfaceMember>
								<gml:Polygon>
									<gml:exterior>
										<gml:LinearRing>
											<gml:posList>35.6993000 139.6360000 47.9 35.6993000 139.6361100 47.9 35.6993900 139.6361100 47.9 35.6993900 139.6360000 47.9 35.6993000 139.6360000 47.9</gml:posList>
										</gml:LinearRing>
									</gml:exterior>
								</gml:Polygon>
							</gml:surfaceMember>
						</gml:CompositeSurface>
					</gml:exterior>
				</gml:Solid>
			</bldg:lod1Solid>
			<uro:buildingDetails>
				<uro:BuildingDetails>
					<uro:buildingStructureType codeSpace="../../codelists/BuildingDetails_buildingStructureType.xml">699</uro:buildingStructureType>
					<uro:fireproofStructureType codeSpace="../../codelists/BuildingDetails_fireproofStructureType.xml">1001</uro:fireproofStructureType>
					<uro:prefecture codeSpace="../../codelists/Common_prefecture.xml">13</uro:prefecture>
					<uro:city codeSpace="../../codelists/Common_localPublicAuthorities.xml">13115</uro:city>
				</uro:BuildingDetails>
			</uro:buildingDetails>
		</bldg:Building>
	</core:cityObjectMember>
</core:CityModel>
